"use client";
import { Tooltip } from "@mantine/core";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];
const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export function relative(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return format.format(Math.round(seconds / size), unit);
  }
  return date.toLocaleString();
}

/** Relative time, with the absolute time on hover (STYLE.md). */
export function RelativeTime({ value }: { value: Date | string }) {
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <Tooltip label={date.toLocaleString()} withArrow>
      <time dateTime={date.toISOString()}>{relative(date)}</time>
    </Tooltip>
  );
}
