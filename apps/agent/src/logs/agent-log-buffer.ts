// The agent's own log as a source: pino writes every line here as well as to stdout; the newest
// AGENT_LOG_CAPACITY lines are kept (a ring, so memory stays flat) and streamed to listeners.
import { Writable } from "node:stream";
import { type LogCursor, type LogStart, normaliseTimestamp, timestampOf } from "@wheelhouse/shared";
import { capLine } from "./line-splitter";
import type { LiveListener, LogSourceHandle, RawLine } from "./log-source";

export const AGENT_LOG_CAPACITY = 5_000;

export class AgentLogBuffer implements LogSourceHandle {
  private readonly ring: RawLine[] = [];
  private next = 0;
  private readonly listeners = new Set<LiveListener>();

  constructor(private readonly capacity = AGENT_LOG_CAPACITY) {}

  /** A writable pino can write to (one JSON line per write). */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        for (const text of String(chunk).split("\n")) if (text) this.push(text);
        done();
      },
    });
  }

  push(text: string, at = new Date()): void {
    const line: RawLine = { ts: this.timestamp(text, at), text: capLine(text), err: false };
    if (this.ring.length < this.capacity) this.ring.push(line);
    else this.ring[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    for (const listener of this.listeners) listener.line(line);
  }

  /** pino's "time" (ISO) when present, so the line carries the time it was logged. */
  private timestamp(text: string, at: Date): string {
    const match = /"time":"([^"]+)"/.exec(text);
    return (match?.[1] && normaliseTimestamp(match[1])) || timestampOf(at);
  }

  /** Oldest first. */
  lines(): RawLine[] {
    if (this.ring.length < this.capacity) return [...this.ring];
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  async history(start: LogStart, resume: LogCursor | undefined, limit: number) {
    const all = this.lines();
    let lines: RawLine[];
    if (resume) {
      lines = all.filter((line) => line.ts >= resume.ts);
    } else if (start.since) {
      const since = normaliseTimestamp(start.since) ?? "";
      lines = all.filter((line) => line.ts >= since);
    } else {
      lines = start.tail ? all.slice(-start.tail) : [];
    }
    const cut = Math.max(0, lines.length - limit);
    return { lines: cut > 0 ? lines.slice(cut) : lines, cut };
  }

  async attach(listener: LiveListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
