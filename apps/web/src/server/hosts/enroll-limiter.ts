// Slows guessing of enrolment tokens: 10 attempts per address per 15 minutes, charged before the
// token is looked up (so parallel requests cannot pass together) and given back when the token was
// good, so enrolling many hosts from behind one address is not held back by its own successes.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { charge, rateLimitedMessage } from "../access/attempt-limit";
import { AppError } from "../errors/app-error";

export const ENROLL_ATTEMPTS_PER_WINDOW = 10;
const limiter = new RateLimiterMemory({
  keyPrefix: "enroll-address",
  points: ENROLL_ATTEMPTS_PER_WINDOW,
  duration: 15 * 60,
});

export interface EnrollCharge {
  succeeded(): Promise<void>;
}

/** Throws RATE_LIMITED when this address has used up its attempts for the window. */
export async function chargeEnrollAttempt(ip: string): Promise<EnrollCharge> {
  const refused = await charge(limiter, ip);
  if (refused) {
    throw new AppError(
      "RATE_LIMITED",
      rateLimitedMessage("Too many enrolment attempts from this address.", refused.msBeforeNext),
    );
  }
  return {
    async succeeded() {
      await limiter.reward(ip, 1);
    },
  };
}
