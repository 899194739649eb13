// The retry schedule of webhook deliveries (decision 039): doubling from the initial delay, capped
// at an hour, given up once the next attempt would fall outside 24 hours; 2xx delivers, 410 gives up.
import { describe, expect, it } from "vitest";
import { DELIVERY_WINDOW_MS, isExpired, MAX_RETRY_DELAY_MS, nextStep, retryDelayMs } from "./webhook-retry";

const SECOND = 1_000;
const HOUR = 3_600 * SECOND;

describe("retryDelayMs", () => {
  it("doubles from the initial delay and stops at one hour", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempts) => retryDelayMs(30 * SECOND, attempts) / SECOND);
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600]);
  });

  it("caps even absurd attempt counts, and treats attempt 0 as the first", () => {
    expect(retryDelayMs(SECOND, 10_000)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(SECOND, 0)).toBe(SECOND);
  });

  it("with the tests' 1 s: 1, 2, 4, 8 s", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelayMs(SECOND, attempts))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });
});

describe("nextStep", () => {
  const createdAt = new Date("2026-01-01T00:00:00Z");
  const at = (ms: number) => new Date(createdAt.getTime() + ms);
  const base = { createdAt, retryInitialMs: 30 * SECOND };

  it.each([200, 201, 204, 299])("%i is delivered", (statusCode) => {
    expect(nextStep({ ...base, result: { kind: "answered", statusCode }, attempts: 1, now: at(0) })).toEqual({
      status: "delivered",
    });
  });

  it.each([
    [{ kind: "answered", statusCode: 500 } as const, 1, 30 * SECOND],
    [{ kind: "answered", statusCode: 302 } as const, 2, 60 * SECOND],
    [{ kind: "answered", statusCode: 404 } as const, 3, 120 * SECOND],
    [{ kind: "unreachable", error: "Connection refused." } as const, 4, 240 * SECOND],
  ])("%o after attempt %i waits %i ms", (result, attempts, wait) => {
    const now = at(5 * SECOND);
    expect(nextStep({ ...base, result, attempts, now })).toEqual({
      status: "pending",
      nextAttemptAt: new Date(now.getTime() + wait),
    });
  });

  it("410 Gone is given up at once", () => {
    const step = nextStep({ ...base, result: { kind: "answered", statusCode: 410 }, attempts: 1, now: at(0) });
    expect(step).toMatchObject({ status: "failed", reason: expect.stringMatching(/410 Gone/) });
  });

  it("gives up when the next attempt would fall after 24 hours", () => {
    const result = { kind: "answered", statusCode: 503 } as const;
    // 23 h in, an hour's wait lands exactly on the window's end: still tried.
    expect(nextStep({ ...base, result, attempts: 20, now: at(23 * HOUR) }).status).toBe("pending");
    const late = nextStep({ ...base, result, attempts: 20, now: at(23 * HOUR + SECOND) });
    expect(late).toMatchObject({ status: "failed", reason: expect.stringMatching(/24 hours/) });
  });

  it("a whole day of failures: about 30 attempts with 30 s, then failed", () => {
    let attempts = 0;
    let now = createdAt;
    for (;;) {
      attempts += 1;
      const step = nextStep({ ...base, result: { kind: "answered", statusCode: 500 }, attempts, now });
      if (step.status !== "pending") {
        expect(step.status).toBe("failed");
        break;
      }
      expect(step.nextAttemptAt.getTime() - createdAt.getTime()).toBeLessThanOrEqual(DELIVERY_WINDOW_MS);
      now = step.nextAttemptAt;
    }
    // 30 s … 32 min (7 doublings, ~1 h 4 min in total), then hourly until 24 h.
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });
});

describe("isExpired", () => {
  it("is true only past 24 hours", () => {
    const createdAt = new Date("2026-01-01T00:00:00Z");
    expect(isExpired(createdAt, new Date(createdAt.getTime() + DELIVERY_WINDOW_MS))).toBe(false);
    expect(isExpired(createdAt, new Date(createdAt.getTime() + DELIVERY_WINDOW_MS + 1))).toBe(true);
  });
});
