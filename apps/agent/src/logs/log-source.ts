// What the hub needs from a place lines come from (a container, the agent's own log): its backlog
// and its live lines. A source with no listener costs nothing; the first listener starts it.
import type { LogCursor, LogLevel, LogStart } from "@wheelhouse/shared";

/** One line as read: normalised timestamp (9 fractional digits), text, and whether it came from stderr. */
export interface RawLine {
  ts: string;
  text: string;
  err: boolean;
  /** The line's level, filled in once by the first subscription that reads it (subscription.ts levelOf). */
  level?: LogLevel | null;
}

export type SourceEnd = { reason: "gone" | "error"; message?: string };

export interface LiveListener {
  line(line: RawLine): void;
  end(end: SourceEnd): void;
}

export interface LogSourceHandle {
  /**
   * Lines in time order from `start`, or from the cursor's timestamp (inclusive: the hub skips what
   * the cursor says was delivered); the newest `limit` at most.
   */
  history(start: LogStart, resume: LogCursor | undefined, limit: number): Promise<{ lines: RawLine[]; cut: number }>;
  /** Registers a live listener; resolves once lines written from now on will reach it. Returns the detach function. */
  attach(listener: LiveListener): Promise<() => void>;
}
