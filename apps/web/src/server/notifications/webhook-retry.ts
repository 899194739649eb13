// When a webhook delivery is tried again, and when it is given up (docs/webhooks.md, decision 039).
// Pure, so the schedule is tested without a clock: WEBHOOK_RETRY_INITIAL_SECONDS, doubled after
// each failed attempt, at most an hour apart, for 24 hours after the notification was queued.

/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1_000;
/** A delivery not delivered this long after it was queued is given up. */
export const DELIVERY_WINDOW_MS = 24 * 60 * 60 * 1_000;

/** The wait after the `attempts`-th failed attempt (1 for the first): initial × 2^(attempts−1), capped. */
export function retryDelayMs(initialMs: number, attempts: number): number {
  // 2^40 overflows nothing, but past ~2^12 every delay is the cap anyway.
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  return Math.min(initialMs * 2 ** exponent, MAX_RETRY_DELAY_MS);
}

export type AttemptResult = { kind: "answered"; statusCode: number } | { kind: "unreachable"; error: string };

export type NextStep =
  | { status: "delivered" }
  | { status: "pending"; nextAttemptAt: Date }
  | { status: "failed"; reason: string };

/**
 * What becomes of a delivery after an attempt. 2xx is delivered. 410 Gone is given up at once:
 * the receiver says the address is gone for good (Slack answers it for a removed webhook), so
 * 24 hours of retries would only be noise. Anything else waits for the next attempt, unless that
 * would fall outside the 24-hour window.
 */
export function nextStep(input: {
  result: AttemptResult;
  /** Attempts made, this one included. */
  attempts: number;
  createdAt: Date;
  now: Date;
  retryInitialMs: number;
}): NextStep {
  const { result } = input;
  if (result.kind === "answered" && result.statusCode >= 200 && result.statusCode < 300) return { status: "delivered" };
  if (result.kind === "answered" && result.statusCode === 410) {
    return { status: "failed", reason: "The receiver answered 410 Gone: this address no longer takes deliveries." };
  }
  const nextAttemptAt = new Date(input.now.getTime() + retryDelayMs(input.retryInitialMs, input.attempts));
  if (nextAttemptAt.getTime() > input.createdAt.getTime() + DELIVERY_WINDOW_MS) {
    return { status: "failed", reason: "Not delivered within 24 hours of being queued; no more attempts." };
  }
  return { status: "pending", nextAttemptAt };
}

/** Whether a delivery queued at `createdAt` is past its window (e.g. its endpoint was disabled meanwhile). */
export function isExpired(createdAt: Date, now: Date): boolean {
  return now.getTime() > createdAt.getTime() + DELIVERY_WINDOW_MS;
}
