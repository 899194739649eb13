"use client";
// CPU, memory and disk over the last hour as three small lines; percentages, 0–100.
import { Group, Text } from "@mantine/core";

interface Point {
  at: Date | string;
  cpu: number;
  memory: number;
  disk: number;
}

const SERIES = [
  { key: "cpu", label: "CPU", color: "var(--mantine-color-indigo-6)" },
  { key: "memory", label: "Memory", color: "var(--mantine-color-teal-6)" },
  { key: "disk", label: "Disk", color: "var(--mantine-color-orange-6)" },
] as const;

const WIDTH = 320;
const HEIGHT = 64;

export function UsageChart({ points }: { points: Point[] }) {
  if (points.length < 2) {
    return (
      <Text fz="xs" c="dimmed">
        The chart fills in as the agent reports (a point every 15 seconds).
      </Text>
    );
  }
  const first = new Date(points[0]?.at ?? 0).getTime();
  const last = new Date(points.at(-1)?.at ?? 0).getTime();
  const span = Math.max(1, last - first);
  const path = (key: (typeof SERIES)[number]["key"]) =>
    points
      .map((p, i) => {
        const x = ((new Date(p.at).getTime() - first) / span) * WIDTH;
        const y = HEIGHT - (Math.min(100, Math.max(0, p[key])) / 100) * HEIGHT;
        return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(" ");
  const latest = points.at(-1);
  return (
    <div>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        height={HEIGHT}
        preserveAspectRatio="none"
        role="img"
        aria-label="CPU, memory and disk use over the last hour"
      >
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} fill="var(--mantine-color-default-hover)" rx="4" />
        {SERIES.map((s) => (
          <path
            key={s.key}
            d={path(s.key)}
            fill="none"
            stroke={s.color}
            strokeWidth="1.6"
            vectorEffect="non-scaling-stroke"
          />
        ))}
      </svg>
      <Group gap="md" mt={4}>
        {SERIES.map((s) => (
          <Text key={s.key} fz="xs" c="dimmed">
            <span style={{ color: s.color }}>●</span> {s.label} {latest ? `${Math.round(latest[s.key])}%` : ""}
          </Text>
        ))}
      </Group>
    </div>
  );
}
