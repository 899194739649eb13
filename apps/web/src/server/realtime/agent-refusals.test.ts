// Refusals reach the log once per kind per host per minute, each line with the count since the last.
import { describe, expect, it } from "vitest";
import { RefusalLog } from "./agent-refusals";

describe("RefusalLog", () => {
  it("logs the first refusal of a kind, counts the rest of the minute, and reports them with the next line", () => {
    const log = new RefusalLog(60_000);
    expect(log.admit("h1", "unknown-event", "constructor", 0)).toBe(0);
    expect(log.admit("h1", "unknown-event", "__proto__", 1_000)).toBeNull();
    expect(log.admit("h1", "unknown-event", "toString", 59_999)).toBeNull();
    expect(log.admit("h1", "unknown-event", "toString", 60_000)).toBe(2);
    expect(log.admit("h1", "unknown-event", "toString", 60_001)).toBeNull();
  });

  it("keeps kinds and hosts apart, and invalid messages apart per event", () => {
    const log = new RefusalLog(60_000);
    expect(log.admit("h1", "sample-time", "agent:heartbeat", 0)).toBe(0);
    expect(log.admit("h2", "sample-time", "agent:heartbeat", 0)).toBe(0);
    expect(log.admit("h1", "containers-over-cap", "agent:container", 0)).toBe(0);
    expect(log.admit("h1", "containers-over-cap", "agent:inventory", 0)).toBeNull();
    expect(log.admit("h1", "invalid", "agent:hello", 0)).toBe(0);
    expect(log.admit("h1", "invalid", "agent:heartbeat", 0)).toBe(0);
    expect(log.admit("h1", "invalid", "agent:heartbeat", 1)).toBeNull();
  });
});
