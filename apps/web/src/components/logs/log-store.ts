// The lines a log view holds, outside React state: batches append in place (no copy per batch),
// and the view re-renders at most once per frame. Capped: past MAX_ENTRIES the oldest tenth goes
// and is counted, so a view left open for a day stays as fast as a fresh one.
import { CursorTracker, type LogCursor, type LogLine, type ViewerBatch } from "@wheelhouse/shared";

export const MAX_ENTRIES = 150_000;

export type LogEntry =
  | ({ kind: "line"; id: number; source: string } & LogLine)
  | { kind: "skipped"; id: number; source: string; count: number };

export class LogStore {
  entries: LogEntry[] = [];
  /** Entries removed from the front to stay under the cap. */
  trimmed = 0;
  /** Lines the agent dropped because this view fell behind (the markers' total). */
  skipped = 0;
  private nextId = 0;
  private readonly cursors = new Map<string, CursorTracker>();

  constructor(private readonly cap = MAX_ENTRIES) {}

  /** Adds a batch; lines older than what this view already has from that source are ignored (resume overlap). */
  add(batch: ViewerBatch): number {
    let tracker = this.cursors.get(batch.source);
    if (!tracker) {
      tracker = new CursorTracker();
      this.cursors.set(batch.source, tracker);
    }
    const before = this.entries.length;
    if (batch.skipped > 0) {
      this.skipped += batch.skipped;
      this.entries.push({ kind: "skipped", id: this.nextId++, source: batch.source, count: batch.skipped });
    }
    for (const line of batch.lines) {
      if (tracker.ts && line.ts < tracker.ts) continue;
      tracker.advance(line.ts);
      this.entries.push({ kind: "line", id: this.nextId++, source: batch.source, ...line });
    }
    if (this.entries.length > this.cap) {
      const drop = Math.max(this.entries.length - this.cap, Math.floor(this.cap / 10));
      this.entries.splice(0, drop);
      this.trimmed += drop;
    }
    return this.entries.length - before;
  }

  /** Where each source got to: sent again after a reconnect so the stream resumes there. */
  resume(): Record<string, LogCursor> {
    const resume: Record<string, LogCursor> = {};
    for (const [source, tracker] of this.cursors) if (tracker.cursor) resume[source] = tracker.cursor;
    return resume;
  }

  /** The first `count` entries as text, one line each: what "Download" saves. */
  text(count: number, labels: Map<string, string>, multiSource: boolean): string {
    const out: string[] = [];
    for (const entry of this.entries.slice(0, count)) {
      const label = multiSource ? ` [${labels.get(entry.source) ?? entry.source}]` : "";
      if (entry.kind === "skipped") out.push(`--- ${entry.count} lines skipped${label} ---`);
      else out.push(`${entry.ts}${label} ${entry.text}`);
    }
    return `${out.join("\n")}\n`;
  }
}
