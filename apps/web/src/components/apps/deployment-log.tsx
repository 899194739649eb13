"use client";
// The deployment's own log: fetched from the last line seen onwards, every 2 s while the deployment
// runs (and at once on the socket's hints), kept to the newest lines, following the end unless the
// person scrolled up to read.
import { Box, Group, Loader, Paper, ScrollArea, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { LOG_SURFACE } from "../../app/theme";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const MAX_LINES = 5_000;

interface LogLine {
  seq: number;
  at: string;
  text: string;
}

export function DeploymentLog({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  // `dropped`: lines cut from the front to stay within MAX_LINES.
  const [{ lines, dropped }, setBuffer] = useState<{ lines: LogLine[]; dropped: number }>({ lines: [], dropped: 0 });
  const [after, setAfter] = useState(0);
  const log = useQuery(
    trpc.apps.deploymentLog.queryOptions(
      { id: deploymentId, after },
      {
        refetchInterval: (query) => (query.state.data?.finished ? false : 2_000),
        // While the next page (a new `after`) loads, keep the last answer instead of flickering.
        placeholderData: (previous) => previous,
      },
    ),
  );

  useEffect(() => {
    const data = log.data;
    if (!data || data.lines.length === 0) return;
    setBuffer((current) => {
      const last = current.lines.at(-1)?.seq ?? 0;
      const fresh = data.lines.filter((line) => line.seq > last);
      if (fresh.length === 0) return current;
      const all = [...current.lines, ...fresh];
      const over = Math.max(0, all.length - MAX_LINES);
      return { lines: over > 0 ? all.slice(over) : all, dropped: current.dropped + over };
    });
    setAfter((current) => Math.max(current, data.last));
  }, [log.data]);

  const viewport = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls whenever new lines arrive
  useEffect(() => {
    const element = viewport.current;
    if (element && following.current) element.scrollTo({ top: element.scrollHeight });
  }, [lines]);

  const finished = log.data?.finished ?? false;
  return (
    <Paper withBorder radius="lg" style={{ overflow: "hidden" }}>
      <Group justify="space-between" px="md" py="xs" bg="var(--mantine-color-default-hover)">
        <Text fw={600} fz="sm" id="deployment-log-title">
          Deployment log
        </Text>
        {!finished && !log.error && (
          <Group gap={6}>
            <Loader size={12} />
            <Text fz="xs" c="dimmed">
              following
            </Text>
          </Group>
        )}
      </Group>
      <ScrollArea
        h={420}
        viewportRef={viewport}
        onScrollPositionChange={({ y }) => {
          const element = viewport.current;
          if (element) following.current = element.scrollHeight - element.clientHeight - y < 24;
        }}
        bg={LOG_SURFACE.background}
      >
        <Box
          role="log"
          aria-labelledby="deployment-log-title"
          p="md"
          ff="monospace"
          fz="xs"
          c={LOG_SURFACE.text}
          style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", lineHeight: 1.6 }}
        >
          {dropped > 0 && <div style={{ color: LOG_SURFACE.dimmed }}>… {dropped} earlier lines not shown</div>}
          {lines.map((line) => (
            <div key={line.seq}>
              <span style={{ color: LOG_SURFACE.dimmed, userSelect: "none" }}>
                {new Date(line.at).toLocaleTimeString()}{" "}
              </span>
              {line.text}
            </div>
          ))}
          {log.error && <div style={{ color: "var(--mantine-color-red-4)" }}>{errorMessage(log.error)}</div>}
          {lines.length === 0 && !log.error && (
            <div style={{ color: LOG_SURFACE.dimmed }}>
              {finished ? "This deployment wrote no log." : "Waiting for the first line…"}
            </div>
          )}
        </Box>
      </ScrollArea>
    </Paper>
  );
}
