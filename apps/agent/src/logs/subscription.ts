// One subscription: filters lines at the source, numbers them, batches them, and respects the
// acknowledgement window. While the window is full it holds at most `bufferMax` lines; past that
// it drops the oldest and reports how many in the next batch (`skipped`), never growing without bound.
import {
  compileFilter,
  detectLevel,
  LOG_BATCH_MAX_BYTES,
  LOG_BATCH_MAX_LINES,
  LOG_BUFFER_MAX_LINES,
  LOG_FLUSH_MS,
  LOG_WINDOW_BATCHES,
  type LogBatch,
  type LogEnd,
  type LogFilter,
  type LogLevel,
  type LogLine,
  MAX_MESSAGE_BYTES,
} from "@wheelhouse/shared";
import type { RawLine } from "./log-source";

export interface SubscriptionSink {
  batch(batch: LogBatch): void;
  end(end: LogEnd): void;
}

export interface SubscriptionLimits {
  window: number;
  bufferMax: number;
  flushMs: number;
  batchMaxLines: number;
  batchMaxBytes: number;
}

export const DEFAULT_LIMITS: SubscriptionLimits = {
  window: LOG_WINDOW_BATCHES,
  bufferMax: LOG_BUFFER_MAX_LINES,
  flushMs: LOG_FLUSH_MS,
  batchMaxLines: LOG_BATCH_MAX_LINES,
  batchMaxBytes: LOG_BATCH_MAX_BYTES,
};

/** Room kept in a message for the batch's own fields (stream id, numbers). */
const BATCH_OVERHEAD_BYTES = 1_024;
/** A line's JSON without its text: {"seq":…,"ts":"…","text":,"level":"…","err":true}, rounded up. */
const LINE_OVERHEAD_BYTES = 120;
/** Text that JSON writes as it is: printable ASCII other than `"` and `\`. */
const PLAIN_JSON_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/**
 * An upper bound of a line's size in the batch's JSON, without encoding it: other characters take
 * at most six bytes per UTF-16 unit (a "\u00XX" escape; UTF-8 needs at most three).
 */
export function lineWireBytes(text: string): number {
  return LINE_OVERHEAD_BYTES + 2 + (PLAIN_JSON_TEXT.test(text) ? text.length : text.length * 6);
}

/** A line's level, computed once per line however many subscriptions read it. */
export function levelOf(line: RawLine): LogLevel | null {
  if (line.level === undefined) line.level = detectLevel(line.text);
  return line.level;
}

export class Subscription {
  private readonly matches: (text: string, level: LogLevel | null) => boolean;
  /** Pending lines: a queue with a moving head (Array#shift is linear). */
  private queue: LogLine[] = [];
  private head = 0;
  private queuedBytes = 0;
  private skipped = 0;
  private seq = 0;
  private batchNo = 0;
  private inFlight = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private ending: LogEnd | null = null;
  /** Backlog lines still queued: they are already in memory (the engine returned them) and do not count against bufferMax. */
  private backlogQueued = 0;
  closed = false;

  constructor(
    readonly streamId: string,
    filter: LogFilter,
    private readonly sink: SubscriptionSink,
    private readonly limits: SubscriptionLimits = DEFAULT_LIMITS,
  ) {
    this.matches = compileFilter(filter);
  }

  get buffered(): number {
    return this.queue.length - this.head;
  }

  /** Offers a line; it is sent only if it matches the filter. `backlog`: part of the start (tail, since), paced by the window but never dropped. */
  offer(line: RawLine, backlog = false): void {
    if (this.closed || this.ending) return;
    const level = levelOf(line);
    if (!this.matches(line.text, level)) return;
    this.seq += 1;
    const wire: LogLine = { seq: this.seq, ts: line.ts, text: line.text, level };
    if (line.err) wire.err = true;
    this.queue.push(wire);
    this.queuedBytes += line.text.length;
    if (backlog) this.backlogQueued += 1;
    const cap = this.limits.bufferMax + this.backlogQueued;
    if (this.buffered > cap) this.dropOldest(this.buffered - cap);
    if (this.buffered >= this.limits.batchMaxLines || this.queuedBytes >= this.limits.batchMaxBytes) this.flush();
    else this.schedule();
  }

  /** Counts lines lost before they reached this subscription (e.g. a backlog cut to its limit). */
  addSkipped(count: number): void {
    if (count <= 0) return;
    this.skipped += count;
    this.seq += count;
    this.schedule();
  }

  private dropOldest(count: number): void {
    for (let i = 0; i < count; i += 1) this.queuedBytes -= this.queue[this.head + i]?.text.length ?? 0;
    this.head += count;
    this.backlogQueued = Math.max(0, this.backlogQueued - count);
    this.skipped += count;
    this.compact();
  }

  private compact(): void {
    if (this.head > 4_096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.limits.flushMs);
  }

  /** Sends as many batches as the window allows. */
  flush(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size < this.limits.window && (this.buffered > 0 || this.skipped > 0)) {
      const lines: LogLine[] = [];
      let bytes = 0;
      // The portal refuses a message over MAX_MESSAGE_BYTES, and a refused batch is never
      // acknowledged: close the batch before its JSON could reach that size.
      let wire = BATCH_OVERHEAD_BYTES;
      while (this.head < this.queue.length && lines.length < this.limits.batchMaxLines) {
        const line = this.queue[this.head] as LogLine;
        const size = lineWireBytes(line.text);
        if (
          lines.length > 0 &&
          (bytes + line.text.length > this.limits.batchMaxBytes || wire + size > MAX_MESSAGE_BYTES)
        )
          break;
        lines.push(line);
        bytes += line.text.length;
        wire += size;
        this.head += 1;
      }
      this.queuedBytes -= bytes;
      // Backlog lines sit at the front of the queue, so a batch takes them first.
      this.backlogQueued = Math.max(0, this.backlogQueued - lines.length);
      this.compact();
      this.batchNo += 1;
      this.inFlight.add(this.batchNo);
      const skipped = this.skipped;
      this.skipped = 0;
      this.sink.batch({ streamId: this.streamId, batch: this.batchNo, skipped, lines });
    }
    if (this.ending && this.buffered === 0 && this.skipped === 0) {
      const end = this.ending;
      this.close();
      this.sink.end(end);
    }
  }

  ack(batch: number): void {
    if (this.inFlight.delete(batch)) this.flush();
  }

  /** Ends the stream once everything pending is sent. */
  finish(end: LogEnd): void {
    if (this.closed || this.ending) return;
    this.ending = end;
    this.flush();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue = [];
    this.head = 0;
  }
}
