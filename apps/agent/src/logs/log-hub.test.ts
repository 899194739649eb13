// The multiplexer with a stand-in source (the real Docker follow is covered by tests/integration/logs.int.test.ts).
import type { LogBatch, LogEnd, LogSource } from "@wheelhouse/shared";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger";
import { AgentLogBuffer } from "./agent-log-buffer";
import { LogHub } from "./log-hub";
import type { LiveListener, LogSourceHandle, RawLine } from "./log-source";
import { DEFAULT_LIMITS } from "./subscription";

const ts = (n: number) => `2026-01-01T00:00:${String(n).padStart(2, "0")}.000000000Z`;

/** A source with a fixed history and a live feed the test drives; counts its follows. */
class FakeSource implements LogSourceHandle {
  readonly listeners = new Set<LiveListener>();
  follows = 0;
  constructor(readonly past: RawLine[] = []) {}
  async history(_start: unknown, resume: { ts: string; count: number } | undefined) {
    const lines = resume ? this.past.filter((l) => l.ts >= resume.ts) : this.past;
    return { lines, cut: 0 };
  }
  async attach(listener: LiveListener) {
    if (this.listeners.size === 0) this.follows += 1;
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  write(line: RawLine) {
    for (const listener of this.listeners) listener.line(line);
  }
}

function hub(source: FakeSource, limits = DEFAULT_LIMITS) {
  const batches: LogBatch[] = [];
  const ends: LogEnd[] = [];
  const logs = new LogHub(
    null,
    new AgentLogBuffer(),
    createLogger("silent"),
    { batch: (b) => batches.push(b), end: (e) => ends.push(e) },
    { source: (_s: LogSource) => source, limits },
  );
  return { logs, batches, ends };
}

const line = (n: number, text = `line ${n}`): RawLine => ({ ts: ts(n), text, err: false });
const container = { kind: "container" as const, containerId: "a".repeat(64) };
const texts = (batches: LogBatch[], streamId: string) =>
  batches.filter((b) => b.streamId === streamId).flatMap((b) => b.lines.map((l) => l.text));
/** Runs the batching timer under test (the longest flush delay the tests use) and the work it starts. */
const flushed = () => vi.advanceTimersByTimeAsync(DEFAULT_LIMITS.flushMs);

// Batches leave on a timer: fake time makes each flush happen when the test says, not 30 ms later.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("LogHub", () => {
  it("shares one follow between subscriptions, each with its own filter", async () => {
    const source = new FakeSource();
    const { logs, batches } = hub(source);
    await logs.subscribe({ streamId: "a", source: container, start: {}, filter: {}, follow: true });
    await logs.subscribe({ streamId: "b", source: container, start: {}, filter: { grep: "ERROR" }, follow: true });
    expect(source.follows).toBe(1);
    source.write(line(1, "ok"));
    source.write(line(2, "ERROR boom"));
    await flushed();
    expect(texts(batches, "a")).toEqual(["ok", "ERROR boom"]);
    expect(texts(batches, "b")).toEqual(["ERROR boom"]);
    expect(batches.find((b) => b.streamId === "b")?.lines[0]).toMatchObject({ level: "error", seq: 1 });
    logs.unsubscribe("a");
    logs.unsubscribe("b");
    expect(source.listeners.size).toBe(0);
  });

  it("sends the backlog then live lines, without repeating what the backlog had", async () => {
    const source = new FakeSource([line(1), line(2)]);
    const { logs, batches } = hub(source);
    // A line arriving while the backlog is read is also in the backlog: it must appear once.
    const history = source.history.bind(source);
    source.history = async (start, resume) => {
      source.write(line(2));
      source.write(line(3));
      return history(start, resume);
    };
    await logs.subscribe({ streamId: "s", source: container, start: { tail: 10 }, filter: {}, follow: true });
    source.write(line(4));
    await flushed();
    expect(texts(batches, "s")).toEqual(["line 1", "line 2", "line 3", "line 4"]);
  });

  it("resumes after a cursor without duplicates", async () => {
    const source = new FakeSource([line(1), line(2), line(2, "line 2b"), line(3)]);
    const { logs, batches } = hub(source);
    await logs.subscribe({
      streamId: "r",
      source: container,
      start: {},
      resume: { ts: ts(2), count: 1 },
      filter: {},
      follow: false,
    });
    await flushed();
    expect(texts(batches, "r")).toEqual(["line 2b", "line 3"]);
  });

  it("holds lines while the window is full, then drops the oldest and says how many", async () => {
    const source = new FakeSource();
    const limits = { ...DEFAULT_LIMITS, window: 1, bufferMax: 5, batchMaxLines: 2, flushMs: 1 };
    const { logs, batches } = hub(source, limits);
    await logs.subscribe({ streamId: "w", source: container, start: {}, filter: {}, follow: true });
    for (let n = 1; n <= 12; n += 1) source.write(line(n));
    await flushed();
    expect(batches).toHaveLength(1);
    expect(batches[0]?.lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(logs.stats().bufferedLines).toBe(5);
    logs.ack("w", 1);
    logs.ack("w", 2);
    logs.ack("w", 3);
    logs.ack("w", 4);
    await flushed();
    // 12 lines: 2 sent, 5 dropped (only 5 fit), then 8..12 in order, marker before them.
    expect(batches[1]).toMatchObject({ skipped: 5 });
    const seqs = batches.flatMap((b) => b.lines.map((l) => l.seq));
    expect(seqs).toEqual([1, 2, 8, 9, 10, 11, 12]);
    const skipped = batches.reduce((sum, b) => sum + b.skipped, 0);
    expect(seqs.length + skipped).toBe(12);
  });

  it("ends a non-following read after its backlog", async () => {
    const source = new FakeSource([line(1)]);
    const { logs, batches, ends } = hub(source);
    await logs.subscribe({ streamId: "once", source: container, start: { tail: 5 }, filter: {}, follow: false });
    await flushed();
    expect(texts(batches, "once")).toEqual(["line 1"]);
    expect(ends).toEqual([{ streamId: "once", reason: "done" }]);
    expect(logs.stats().subscriptions).toBe(0);
    expect(source.follows).toBe(0);
  });
});

describe("AgentLogBuffer", () => {
  it("keeps the newest lines in a ring, with pino's time", async () => {
    const buffer = new AgentLogBuffer(3);
    for (let n = 1; n <= 5; n += 1) buffer.push(`{"level":30,"time":"${ts(n).slice(0, 23)}Z","msg":"m${n}"}`);
    const { lines } = await buffer.history({ tail: 10 }, undefined, 100);
    expect(lines.map((l) => l.ts)).toEqual([ts(3), ts(4), ts(5)]);
  });
});

describe("backlog", () => {
  it("paces a backlog larger than the live buffer through the window without dropping it", async () => {
    const past = Array.from({ length: 50 }, (_, i) => line(i + 1));
    const source = new FakeSource(past);
    const limits = { ...DEFAULT_LIMITS, window: 1, bufferMax: 5, batchMaxLines: 10, flushMs: 1 };
    const { logs, batches } = hub(source, limits);
    await logs.subscribe({ streamId: "big", source: container, start: { tail: 50 }, filter: {}, follow: true });
    for (let n = 1; n <= 10; n += 1) {
      await flushed();
      logs.ack("big", n);
    }
    await flushed();
    expect(texts(batches, "big")).toEqual(past.map((l) => l.text));
    expect(batches.reduce((sum, b) => sum + b.skipped, 0)).toBe(0);
  });
});

describe("batch size", () => {
  it("splits a batch that JSON escaping would push over the message limit", async () => {
    const source = new FakeSource();
    const { logs, batches } = hub(source, { ...DEFAULT_LIMITS, flushMs: 1 });
    await logs.subscribe({ streamId: "esc", source: container, start: {}, filter: {}, follow: true });
    // 40 lines of 8 KiB control characters: 320 KiB of text, six times that as JSON.
    for (let n = 1; n <= 40; n += 1) source.write(line(n, "\u0001".repeat(8_192)));
    await flushed();
    const { MAX_MESSAGE_BYTES, messageBytes } = await import("@wheelhouse/shared");
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => messageBytes(b) <= MAX_MESSAGE_BYTES)).toBe(true);
    expect(batches.flatMap((b) => b.lines.map((l) => l.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
