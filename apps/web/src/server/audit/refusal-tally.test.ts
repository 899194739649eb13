import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "./audit-log";
import { RefusalTally } from "./refusal-tally";

function tally(windowMs: number, maxOpenWindows?: number) {
  const written: AuditEntry[] = [];
  const errors: unknown[] = [];
  const refusals = new RefusalTally({
    windowMs,
    ...(maxOpenWindows === undefined ? {} : { maxOpenWindows }),
    write: async (entry) => {
      written.push(entry);
    },
    onWriteError: (error) => errors.push(error),
  });
  return { refusals, written, errors };
}

const wrong = (ip: string, email = "a@example.com", reason = "wrong_password"): AuditEntry => ({
  action: "session.create",
  outcome: "failure",
  ip,
  teamId: "team-1",
  actor: { id: "user-1", email },
  details: { email, reason },
});

describe("RefusalTally", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes the first refusal at once and the rest of its window as one event with the count", async () => {
    // The window is a timer under test: fake time closes it exactly when the test says.
    vi.useFakeTimers();
    const { refusals, written } = tally(150);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        refusals.record(wrong("192.0.2.1", undefined, i % 2 ? "wrong_password" : "disabled")),
      ),
    );
    expect(written).toHaveLength(1);
    expect(written[0]?.details).toEqual({ email: "a@example.com", reason: "disabled" });

    await vi.advanceTimersByTimeAsync(149);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({
      action: "session.create",
      outcome: "failure",
      ip: "192.0.2.1",
      teamId: "team-1",
    });
    expect(written[1]?.details).toMatchObject({
      repeated: 49,
      reasons: { wrong_password: 25, disabled: 24 },
      emails: ["a@example.com"],
    });
    expect(String(written[1]?.details?.summary)).toMatch(/^repeated 49 more times since /);
    expect(refusals.openWindows).toBe(0);
  });

  it("keeps addresses, outcomes and teams apart", async () => {
    const { refusals, written } = tally(60_000);
    await refusals.record(wrong("192.0.2.1"));
    await refusals.record(wrong("192.0.2.2"));
    await refusals.record({ ...wrong("192.0.2.1"), outcome: "denied" });
    await refusals.record({ ...wrong("192.0.2.1"), teamId: "team-2", actor: { id: "user-2", email: "b@example.com" } });
    expect(written).toHaveLength(4);
    await refusals.flush();
  });

  it("writes nothing more for a window with a single refusal", async () => {
    const { refusals, written } = tally(60_000);
    await refusals.record(wrong("192.0.2.1"));
    await refusals.flush();
    expect(written).toHaveLength(1);
  });

  it("flush() writes every open window's count, so a clean shutdown loses none", async () => {
    const { refusals, written } = tally(60 * 60_000);
    for (let i = 0; i < 7; i++) await refusals.record(wrong("192.0.2.1", `user${i}@example.com`, "unknown_email"));
    expect(written).toHaveLength(1);
    await refusals.flush();
    expect(written).toHaveLength(2);
    expect(written[1]?.details).toMatchObject({ repeated: 6, reasons: { unknown_email: 6 } });
    expect(refusals.openWindows).toBe(0);
  });

  it("folds new addresses into one window per team once too many windows are open", async () => {
    const { refusals, written } = tally(60 * 60_000, 3);
    for (let i = 0; i < 100; i++) await refusals.record(wrong(`192.0.2.${i + 1}`));
    // Three addresses with windows of their own, then one shared window without address or account.
    expect(written).toHaveLength(4);
    expect(written[3]).toMatchObject({ ip: null, actor: null, teamId: "team-1" });
    expect(refusals.openWindows).toBe(4);
    await refusals.flush();
    expect(written[4]?.details).toMatchObject({ repeated: 96 });
  });

  it("reports a repeat count it could not write", async () => {
    const errors: unknown[] = [];
    const refusals = new RefusalTally({
      windowMs: 60_000,
      write: async (entry) => {
        if (entry.details?.repeated) throw new Error("disk full");
      },
      onWriteError: (error) => errors.push(error),
    });
    await refusals.record(wrong("192.0.2.1"));
    await refusals.record(wrong("192.0.2.1"));
    await refusals.flush();
    expect(errors).toEqual([new Error("disk full")]);
  });
});
