"use client";
// One row of the log view: time, source (when there are several), level, then the message with
// a JSON line's fields as key=value; a plain line as it is. Fixed height, so the list virtualises.
import { formatFieldValue, type LogLevel, type ParsedLogLine, parseLogLine } from "@wheelhouse/shared";
import { memo } from "react";
import { LOG_SURFACE, logSurfaceAccent } from "../../app/theme";
import type { LogEntry } from "./log-store";

export const ROW_HEIGHT = 22;

export const LEVEL_COLORS: Record<LogLevel, string> = {
  trace: "gray",
  debug: "gray",
  info: "blue",
  warn: "yellow",
  error: "red",
  fatal: "grape",
};

const SOURCE_COLORS = ["cyan", "lime", "orange", "pink", "violet", "teal", "indigo", "yellow"];

export function sourceColor(index: number): string {
  return SOURCE_COLORS[index % SOURCE_COLORS.length] ?? "gray";
}

function time(ts: string): string {
  return ts.slice(11, 23);
}

/** Parsed once per line, however often it scrolls by. */
const parsedLines = new WeakMap<LogEntry, { parsed: ParsedLogLine; fields: string }>();
function parsedOf(entry: Extract<LogEntry, { kind: "line" }>) {
  let cached = parsedLines.get(entry);
  if (!cached) {
    const parsed = parseLogLine(entry.text);
    const fields = parsed.fields
      ? Object.entries(parsed.fields)
          .map(([key, value]) => `${key}=${formatFieldValue(value)}`)
          .join(" ")
      : "";
    cached = { parsed, fields };
    parsedLines.set(entry, cached);
  }
  return cached;
}

// Plain elements, not Mantine components: a fast scroll mounts dozens of rows per frame.
const ROW_STYLE = {
  display: "flex",
  alignItems: "center",
  gap: 8,
  height: ROW_HEIGHT,
  padding: "0 12px",
  whiteSpace: "pre",
  overflow: "hidden",
  cursor: "pointer",
  width: "100%",
  border: 0,
  background: "none",
  color: "inherit",
  font: "inherit",
  textAlign: "left",
} as const;

export const LogRow = memo(function LogRow({
  entry,
  sourceLabel,
  sourceIndex,
  selected,
  onSelect,
}: {
  entry: LogEntry;
  sourceLabel: string | null;
  sourceIndex: number;
  selected: boolean;
  onSelect: (id: number) => void;
}) {
  if (entry.kind === "skipped") {
    return (
      <div
        data-testid="log-skipped"
        style={{ ...ROW_STYLE, cursor: "default", background: "var(--mantine-color-orange-light)" }}
      >
        <span
          style={{
            color: "var(--mantine-color-orange-5)",
            fontWeight: 600,
            overflow: "hidden",
            textOverflow: "ellipsis",
          }}
        >
          ⚠ {entry.count.toLocaleString()} lines skipped{sourceLabel ? ` from ${sourceLabel}` : ""}: this view fell
          behind, so the agent dropped them instead of buffering without limit.
        </span>
      </div>
    );
  }
  const { parsed, fields } = parsedOf(entry);
  const level = entry.level ?? parsed.level;
  return (
    // A button: a line can be picked with the keyboard as well (its details open below the view).
    <button
      type="button"
      aria-pressed={selected}
      data-testid="log-line"
      data-level={level ?? "none"}
      onClick={() => onSelect(entry.id)}
      style={selected ? { ...ROW_STYLE, ...LOG_SURFACE.selected } : ROW_STYLE}
    >
      <span style={{ color: LOG_SURFACE.dimmed, flex: "none" }} title={entry.ts}>
        {time(entry.ts)}
      </span>
      {sourceLabel && (
        <span
          style={{ color: logSurfaceAccent(sourceColor(sourceIndex)), flex: "none", maxWidth: 180 }}
          title={sourceLabel}
        >
          {sourceLabel.length > 24 ? `${sourceLabel.slice(0, 23)}…` : sourceLabel}
        </span>
      )}
      <span
        data-testid="log-level"
        style={{
          flex: "none",
          width: 42,
          fontWeight: 700,
          color: level ? logSurfaceAccent(LEVEL_COLORS[level]) : "transparent",
        }}
      >
        {level ? level.toUpperCase() : "·"}
      </span>
      <span
        style={{
          overflow: "hidden",
          textOverflow: "ellipsis",
          color: entry.err ? "var(--mantine-color-red-3)" : undefined,
        }}
      >
        {parsed.fields ? parsed.message : entry.text}
        {fields && <span style={{ color: LOG_SURFACE.dimmed }}> {fields}</span>}
      </span>
    </button>
  );
});
