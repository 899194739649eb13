// Charge-first rate limiting, shared by sign-in and enrolment: an attempt consumes its point before
// the work it guards, so attempts that arrive together cannot all pass a check made before any of
// them was counted. RateLimiterMemory counts synchronously, which makes consume() atomic here.
import { type RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/** Consumes one point; the refusal (a RateLimiterRes) when none was left, null when charged. */
export async function charge(limiter: RateLimiterMemory, key: string): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  }
}

/** The sentence for a refusal; `msBeforeNext` is when the window that refused ends. */
export function rateLimitedMessage(subject: string, msBeforeNext: number): string {
  const minutes = Math.max(1, Math.ceil(msBeforeNext / 60_000));
  return `${subject} Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
