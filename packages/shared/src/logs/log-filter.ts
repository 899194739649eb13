// The filter a subscription applies at the source, and the resume cursor's ordering.
import { atLeast, type LogLevel } from "./log-levels";

export interface LineFilter {
  grep?: string;
  minLevel?: LogLevel;
}

/** A compiled filter: case-insensitive substring and minimum level. */
export function compileFilter(filter: LineFilter): (text: string, level: LogLevel | null) => boolean {
  const needle = filter.grep?.trim().toLowerCase() ?? "";
  const min = filter.minLevel;
  if (!needle && !min) return () => true;
  return (text, level) => (!needle || text.toLowerCase().includes(needle)) && atLeast(level, min);
}

/**
 * Tracks the resume point of a stream of lines in time order: the last timestamp seen and how many
 * lines carried it. `accept` says whether a line is new with respect to a cursor.
 */
export class CursorTracker {
  ts = "";
  count = 0;

  constructor(cursor?: { ts: string; count: number }) {
    if (cursor) {
      this.ts = cursor.ts;
      this.count = cursor.count;
    }
  }

  /** Records a line that was delivered. */
  advance(ts: string): void {
    if (ts === this.ts) this.count += 1;
    else if (ts > this.ts) {
      this.ts = ts;
      this.count = 1;
    }
  }

  get cursor(): { ts: string; count: number } | undefined {
    return this.ts ? { ts: this.ts, count: this.count } : undefined;
  }
}

/**
 * Skips what a cursor says was already delivered: every line before `ts`, and the first `count`
 * lines stamped exactly `ts`.
 */
export function skipDelivered(cursor: { ts: string; count: number } | undefined) {
  let sameSeen = 0;
  return (ts: string): boolean => {
    if (!cursor) return true;
    if (ts < cursor.ts) return false;
    if (ts === cursor.ts) {
      sameSeen += 1;
      return sameSeen > cursor.count;
    }
    return true;
  };
}
