import { describe, expect, it } from "vitest";
import { LogStore } from "./log-store";

const line = (seq: number, ts: string, text = `l${seq}`) => ({ seq, ts, text, level: null });
const T = (s: number) => `2026-01-01T00:00:0${s}.000000000Z`;

describe("LogStore", () => {
  it("keeps skipped markers where lines were lost, and ignores a resumed stream's overlap", () => {
    const store = new LogStore();
    store.add({ streamId: "s", batch: 1, source: "a", skipped: 0, lines: [line(1, T(1)), line(2, T(2))] });
    store.add({ streamId: "s", batch: 2, source: "a", skipped: 3, lines: [line(6, T(3))] });
    // After a reconnect the agent may send the last timestamp's line again: older ones are dropped here.
    store.add({ streamId: "s", batch: 1, source: "a", skipped: 0, lines: [line(1, T(2), "old"), line(2, T(4))] });
    expect(store.entries.map((e) => (e.kind === "line" ? e.text : `skip ${e.count}`))).toEqual([
      "l1",
      "l2",
      "skip 3",
      "l6",
      "l2",
    ]);
    expect(store.skipped).toBe(3);
    expect(store.resume()).toEqual({ a: { ts: T(4), count: 1 } });
  });

  it("lets the oldest tenth go past its cap, and says how many", () => {
    const store = new LogStore(100);
    const lines = Array.from({ length: 101 }, (_, i) => line(i + 1, T(1)));
    store.add({ streamId: "s", batch: 1, source: "a", skipped: 0, lines });
    expect(store.entries).toHaveLength(91);
    expect(store.trimmed).toBe(10);
    expect(store.text(2, new Map(), false)).toBe(`${T(1)} l11\n${T(1)} l12\n`);
  });
});
