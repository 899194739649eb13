"use client";
// The controls above a log view: search (run at the agent), level, start point, follow, pause,
// download, and the stream's state in words.
import { Badge, Button, Group, Select, Switch, TextInput, Tooltip } from "@mantine/core";
import { IconDownload, IconPlayerPause, IconPlayerPlay, IconSearch } from "@tabler/icons-react";
import { LOG_LEVELS, type LogLevel } from "@wheelhouse/shared";
import { STATUS_COLORS } from "../status";
import type { StreamStatus } from "./use-log-stream";

export const START_PRESETS = [
  { value: "tail:100", label: "Last 100 lines" },
  { value: "tail:500", label: "Last 500 lines" },
  { value: "tail:5000", label: "Last 5,000 lines" },
  { value: "tail:100000", label: "Last 100,000 lines" },
  { value: "since:15m", label: "Since 15 minutes ago" },
  { value: "since:1h", label: "Since 1 hour ago" },
  { value: "since:24h", label: "Since 24 hours ago" },
  { value: "custom", label: "Since a time…" },
];

const STATUS: Record<StreamStatus, { label: string; color: string }> = {
  connecting: { label: "Connecting", color: STATUS_COLORS.idle },
  live: { label: "Live", color: STATUS_COLORS.live },
  reconnecting: { label: "Reconnecting", color: STATUS_COLORS.pending },
  ended: { label: "Ended", color: STATUS_COLORS.idle },
  error: { label: "Failed", color: STATUS_COLORS.failed },
};

export interface ToolbarProps {
  search: string;
  onSearch: (value: string) => void;
  level: LogLevel | null;
  onLevel: (value: LogLevel | null) => void;
  start: string;
  onStart: (value: string) => void;
  customSince: string;
  onCustomSince: (value: string) => void;
  customError: string | null;
  follow: boolean;
  onFollow: (value: boolean) => void;
  paused: boolean;
  pending: number;
  onPause: () => void;
  onDownload: () => void;
  status: StreamStatus;
}

export function LogToolbar(props: ToolbarProps) {
  const status =
    props.paused && props.status === "live" ? { label: "Paused", color: STATUS_COLORS.progress } : STATUS[props.status];
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <TextInput
        label="Search"
        description="Matched on the host; only matches are sent"
        placeholder="text in the line"
        leftSection={<IconSearch size={14} />}
        value={props.search}
        onChange={(e) => props.onSearch(e.currentTarget.value)}
        w={240}
        data-testid="log-search"
      />
      <Select
        label="Level"
        description="This level and above"
        data={[{ value: "all", label: "All lines" }, ...LOG_LEVELS.map((l) => ({ value: l, label: l }))]}
        value={props.level ?? "all"}
        onChange={(value) => props.onLevel(value && value !== "all" ? (value as LogLevel) : null)}
        allowDeselect={false}
        w={130}
      />
      <Select
        label="Start"
        description="Where the view begins"
        data={START_PRESETS}
        value={props.start}
        onChange={(value) => value && props.onStart(value)}
        allowDeselect={false}
        w={190}
      />
      {props.start === "custom" && (
        <TextInput
          label="Since"
          description="15m, 2h, 3d or 2026-05-01T10:00:00Z"
          value={props.customSince}
          onChange={(e) => props.onCustomSince(e.currentTarget.value)}
          error={props.customError}
          w={220}
        />
      )}
      <Switch label="Follow" checked={props.follow} onChange={(e) => props.onFollow(e.currentTarget.checked)} mb={8} />
      <Group gap="xs" ml="auto" mb={2}>
        <Badge color={status.color} variant="light" data-testid="log-status">
          {status.label}
        </Badge>
        <Button
          variant="default"
          size="xs"
          leftSection={props.paused ? <IconPlayerPlay size={14} /> : <IconPlayerPause size={14} />}
          onClick={props.onPause}
        >
          {props.paused ? `Resume${props.pending > 0 ? ` (${props.pending.toLocaleString()} new)` : ""}` : "Pause"}
        </Button>
        <Tooltip label="Save the lines in this view as a text file" withArrow>
          <Button variant="default" size="xs" leftSection={<IconDownload size={14} />} onClick={props.onDownload}>
            Download
          </Button>
        </Tooltip>
      </Group>
    </Group>
  );
}
