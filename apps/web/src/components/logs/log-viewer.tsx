"use client";
// The one log viewer: containers, an app's instances (merged, each line tagged), a deployment, an
// agent. Rows are virtualised (@tanstack/react-virtual): only what is on screen is rendered, so
// 100,000 lines scroll as smoothly as 100.
import { Alert, Box, Button, Code, Group, Paper, Stack, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconArrowDown, IconInfoCircle } from "@tabler/icons-react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type LogLevel, type LogStart, type LogTarget, parseLogLine, parseSince } from "@wheelhouse/shared";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { LOG_SURFACE } from "../../app/theme";
import { LogRow, ROW_HEIGHT } from "./log-row";
import { LogToolbar } from "./log-toolbar";
import { useLogStream } from "./use-log-stream";

function startFrom(preset: string, custom: string): { start: LogStart; error: string | null } {
  if (preset.startsWith("tail:")) return { start: { tail: Number(preset.slice(5)) }, error: null };
  const text = preset === "custom" ? custom : preset.slice(6);
  if (!text.trim()) return { start: { tail: 500 }, error: null };
  try {
    return { start: { since: parseSince(text).toISOString() }, error: null };
  } catch (error) {
    return { start: { tail: 500 }, error: (error as Error).message };
  }
}

export function LogViewer({ target, height = 560 }: { target: LogTarget; height?: number }) {
  const [search, setSearch] = useState("");
  const [grep] = useDebouncedValue(search.trim(), 350);
  const [level, setLevel] = useState<LogLevel | null>(null);
  const [preset, setPreset] = useState(target.kind === "deployment" ? "tail:5000" : "tail:500");
  const [custom, setCustom] = useState("");
  const [debouncedCustom] = useDebouncedValue(custom, 500);
  const [follow, setFollow] = useState(true);
  const [paused, setPaused] = useState(false);
  const [frozenCount, setFrozenCount] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  // Computed when the choice changes, not per render: "since 15m" must not move (and resubscribe) as time passes.
  const { start, error: customError } = useMemo(() => startFrom(preset, debouncedCustom), [preset, debouncedCustom]);
  const stream = useLogStream({
    target,
    start,
    filter: { ...(grep ? { grep } : {}), ...(level ? { minLevel: level } : {}) },
    follow,
  });
  const { store, version } = stream;
  const total = store.entries.length;
  // Paused: the view keeps its length while lines keep arriving underneath.
  const count = paused ? Math.min(frozenCount, total) : total;
  const labels = useMemo(() => new Map(stream.sources.map((s) => [s.key, s.label])), [stream.sources]);
  const order = useMemo(() => new Map(stream.sources.map((s, i) => [s.key, i])), [stream.sources]);
  const multiSource = stream.sources.length > 1 || target.kind === "app";

  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the end whenever lines arrive
  useEffect(() => {
    if (stick.current && !paused && count > 0) virtualizer.scrollToIndex(count - 1, { align: "end" });
  }, [version, count, paused]);

  // Only a person scrolling up stops the view following the end; our own jumps to the end never do.
  const lastTop = useRef(0);
  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const end = element.scrollHeight - element.clientHeight - element.scrollTop < ROW_HEIGHT * 2;
    if (end) stick.current = true;
    else if (element.scrollTop < lastTop.current - 2) stick.current = false;
    lastTop.current = element.scrollTop;
    setAtEnd(stick.current);
  }, []);

  const togglePause = () => {
    if (!paused) setFrozenCount(total);
    setPaused(!paused);
  };

  const download = () => {
    const blob = new Blob([store.text(count, labels, multiSource)], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = `${(stream.title ?? "logs").replace(/[^A-Za-z0-9._-]+/g, "-")}.log`;
    link.click();
    URL.revokeObjectURL(url);
  };

  const selectedEntry = selected === null ? undefined : store.entries.find((e) => e.id === selected);
  const details = selectedEntry?.kind === "line" ? parseLogLine(selectedEntry.text) : null;

  return (
    <Stack gap="sm">
      <LogToolbar
        search={search}
        onSearch={setSearch}
        level={level}
        onLevel={setLevel}
        start={preset}
        onStart={setPreset}
        customSince={custom}
        onCustomSince={setCustom}
        customError={customError}
        follow={follow}
        onFollow={setFollow}
        paused={paused}
        pending={paused ? total - count : 0}
        onPause={togglePause}
        onDownload={download}
        status={stream.status}
      />
      {stream.error && (
        <Alert color={stream.status === "reconnecting" ? "yellow" : "red"} icon={<IconInfoCircle size={18} />}>
          {stream.error}
        </Alert>
      )}
      <Paper withBorder radius="lg" style={{ overflow: "hidden", position: "relative" }}>
        <Group justify="space-between" px="md" py={6} bg="var(--mantine-color-default-hover)">
          <Text fz="xs" c="dimmed" data-testid="log-count">
            {count.toLocaleString()} lines
            {multiSource && stream.sources.length > 0 ? ` from ${stream.sources.length} instances` : ""}
            {store.trimmed > 0 ? ` · ${store.trimmed.toLocaleString()} older lines let go to keep the view fast` : ""}
          </Text>
          {store.skipped > 0 && (
            <Text fz="xs" c="orange" data-testid="log-skipped-total">
              {store.skipped.toLocaleString()} lines skipped (this view fell behind)
            </Text>
          )}
        </Group>
        <Box
          ref={scroller}
          onScroll={onScroll}
          role="log"
          aria-label={stream.title ? `Log of ${stream.title}` : "Log"}
          aria-live="off"
          data-testid="log-view"
          h={height}
          ff="monospace"
          fz={12}
          style={{ overflow: "auto", background: LOG_SURFACE.background, color: LOG_SURFACE.text }}
        >
          {count === 0 ? (
            <Text p="md" fz="sm" c={LOG_SURFACE.dimmed} ff="monospace">
              {stream.status === "error"
                ? "Nothing to show."
                : stream.status === "ended"
                  ? stream.sources.length === 0
                    ? "Nothing runs here yet: instances appear once the app is deployed."
                    : "No line matches."
                  : grep || level
                    ? "Waiting for a matching line…"
                    : "Waiting for the first line…"}
            </Text>
          ) : (
            <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth: "100%" }}>
              {virtualizer.getVirtualItems().map((item) => {
                const entry = store.entries[item.index];
                if (!entry) return null;
                return (
                  <div
                    key={entry.id}
                    style={{
                      position: "absolute",
                      top: 0,
                      left: 0,
                      right: 0,
                      transform: `translateY(${item.start}px)`,
                    }}
                  >
                    <LogRow
                      entry={entry}
                      sourceLabel={multiSource ? (labels.get(entry.source) ?? entry.source) : null}
                      sourceIndex={order.get(entry.source) ?? 0}
                      selected={entry.id === selected}
                      onSelect={setSelected}
                    />
                  </div>
                );
              })}
            </div>
          )}
        </Box>
        {!atEnd && count > 0 && (
          <Button
            size="xs"
            radius="xl"
            leftSection={<IconArrowDown size={14} />}
            style={{ position: "absolute", right: 24, bottom: 16 }}
            onClick={() => {
              stick.current = true;
              setAtEnd(true);
              virtualizer.scrollToIndex(count - 1, { align: "end" });
            }}
          >
            Latest
          </Button>
        )}
      </Paper>
      {selectedEntry?.kind === "line" && details && (
        <Paper withBorder radius="lg" p="sm" data-testid="log-details">
          <Group justify="space-between" mb={4}>
            <Text fz="xs" c="dimmed">
              {selectedEntry.ts}
              {multiSource ? ` · ${labels.get(selectedEntry.source) ?? selectedEntry.source}` : ""}
              {selectedEntry.err ? " · stderr" : ""}
            </Text>
            <Button variant="subtle" size="compact-xs" onClick={() => setSelected(null)}>
              Close
            </Button>
          </Group>
          <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {details.fields
              ? JSON.stringify({ level: details.level, message: details.message, ...details.fields }, null, 2)
              : selectedEntry.text}
          </Code>
        </Paper>
      )}
    </Stack>
  );
}
