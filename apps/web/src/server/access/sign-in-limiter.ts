// Slows password guessing: per account-and-address (5 per 15 min) and per address (30 per 15 min).
// Each attempt is charged BEFORE its password is verified, and the charge is taken synchronously in
// memory, so fifty attempts arriving at once (a tRPC batch, parallel REST calls) are fifty charges:
// at most five of them reach the password check. A correct password gives its charge back.
// In memory: a portal restart forgets the counts, which is acceptable for a single process; a
// multi-instance deployment should move this to the shared database (rate-limiter-flexible has one).
import { RateLimiterMemory } from "rate-limiter-flexible";
import { AppError } from "../errors/app-error";
import { charge, rateLimitedMessage } from "./attempt-limit";

const WINDOW_SECONDS = 15 * 60;
const account = {
  limiter: new RateLimiterMemory({ keyPrefix: "sign-in-account", points: 5, duration: WINDOW_SECONDS }),
  key: (email: string, ip: string) => `${email}|${ip}`,
};
const address = {
  limiter: new RateLimiterMemory({ keyPrefix: "sign-in-address", points: 30, duration: WINDOW_SECONDS }),
  key: (_email: string, ip: string) => ip,
};

export interface SignInCharge {
  /** The password was right: give the points back and clear the account's count. */
  succeeded(): Promise<void>;
}

/**
 * Charges one attempt to the account-and-address and the address; throws RATE_LIMITED (charging
 * nothing further) when either has none left. The address is charged only once the account
 * accepted, so hammering one locked account does not also use up the address's budget.
 */
export async function chargeSignInAttempt(email: string, ip: string): Promise<SignInCharge> {
  const refusedForAccount = await charge(account.limiter, account.key(email, ip));
  const refused = refusedForAccount ?? (await charge(address.limiter, address.key(email, ip)));
  if (refused) {
    // The address refused after the account accepted: this attempt is not a guess at the account.
    if (!refusedForAccount) await account.limiter.reward(account.key(email, ip), 1);
    throw new AppError("RATE_LIMITED", rateLimitedMessage("Too many failed sign-in attempts.", refused.msBeforeNext));
  }
  return {
    async succeeded() {
      await account.limiter.delete(account.key(email, ip));
      await address.limiter.reward(address.key(email, ip), 1);
    },
  };
}
