import { KEY_IN_USE_MAX_DELAY_MS } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { EPISODE_GRACE_MS, FIRST_REFUSAL_DELAY_MS, KeyConflicts, REPLACEMENT_WINDOW_MS } from "./key-conflicts";

describe("KeyConflicts", () => {
  it("lets a host's connection be replaced 3 times in 30 s and refuses the 4th, starting one episode", () => {
    const conflicts = new KeyConflicts();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(conflicts.newcomer("h", t0 + i * 1_000)).toEqual({ refuse: false });
    expect(conflicts.current("h", t0 + 3_000)).toBeNull();
    expect(conflicts.newcomer("h", t0 + 3_000)).toEqual({
      refuse: true,
      retryAfterMs: FIRST_REFUSAL_DELAY_MS,
      started: true,
    });
    expect(conflicts.current("h", t0 + 3_000)).toEqual({
      since: new Date(t0 + 3_000),
      refusedAttempts: 1,
      lastRefusedAt: new Date(t0 + 3_000),
    });
    // Other hosts are not affected.
    expect(conflicts.newcomer("other", t0 + 3_000)).toEqual({ refuse: false });
  });

  it("does not count replacements older than the window (ordinary reconnects after blips)", () => {
    const conflicts = new KeyConflicts();
    for (let i = 0; i < 10; i++) {
      expect(conflicts.newcomer("h", i * (REPLACEMENT_WINDOW_MS / 2)).refuse).toBe(false);
    }
  });

  it("doubles the delay for each newcomer of an episode, up to the ceiling, and starts it only once", () => {
    const conflicts = new KeyConflicts();
    let now = 0;
    for (let i = 0; i < 3; i++) conflicts.newcomer("h", now++);
    const delays: number[] = [];
    const starts: boolean[] = [];
    for (let i = 0; i < 9; i++) {
      const verdict = conflicts.newcomer("h", now);
      if (!verdict.refuse) throw new Error("expected a refusal");
      delays.push(verdict.retryAfterMs);
      starts.push(verdict.started);
      now += verdict.retryAfterMs; // The refused agent comes back exactly when told.
    }
    expect(delays).toEqual([5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(Math.max(...delays)).toBe(KEY_IN_USE_MAX_DELAY_MS);
    expect(starts.filter(Boolean)).toHaveLength(1);
  });

  it("ends the episode when the refused agent stays away past its delay and the grace period", () => {
    const conflicts = new KeyConflicts();
    for (let i = 0; i < 4; i++) conflicts.newcomer("h", i);
    expect(conflicts.current("h", 3 + FIRST_REFUSAL_DELAY_MS + EPISODE_GRACE_MS)).not.toBeNull();
    expect(conflicts.current("h", 4 + FIRST_REFUSAL_DELAY_MS + EPISODE_GRACE_MS)).toBeNull();
    // A later replacement is an ordinary one again.
    expect(conflicts.newcomer("h", 10 * 60_000)).toEqual({ refuse: false });
  });

  it("forgets a revoked host", () => {
    const conflicts = new KeyConflicts();
    for (let i = 0; i < 4; i++) conflicts.newcomer("h", i);
    conflicts.forget("h");
    expect(conflicts.current("h", 5)).toBeNull();
  });
});
