// Log levels, lowest first: pino's names, which most structured loggers share.
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

/** True when `level` is at `min` or above; a line without a level never passes a level filter. */
export function atLeast(level: LogLevel | null, min: LogLevel | undefined): boolean {
  if (!min) return true;
  return level !== null && RANK[level] >= RANK[min];
}
