// Slows abuse of the single sign-on endpoints as sign-in-limiter.ts slows password guessing: each
// start and each callback is charged to its address BEFORE any work (charge-first,
// attempt-limit.ts), and a sign-in that ends in a session gives back its callback's and its start's
// charges, so people signing in never run into it. Each start costs the provider a login page and
// each callback a token request: the limit keeps a script from making the portal hammer the
// provider or the audit trail. In memory, like the other sign-in limits (a restart forgets).
import { RateLimiterMemory } from "rate-limiter-flexible";
import { charge } from "../attempt-limit";

export interface SsoCharge {
  /** The sign-in ended in a session. */
  succeeded(): Promise<void>;
}

export function createSsoLimiter(points = 30, windowSeconds = 15 * 60) {
  const limiter = new RateLimiterMemory({ keyPrefix: "sso-address", points, duration: windowSeconds });
  return {
    /** Null when the address has no attempts left. */
    async charge(ip: string): Promise<SsoCharge | null> {
      if (await charge(limiter, ip)) return null;
      return {
        async succeeded() {
          // This callback and the start that led to it.
          await limiter.reward(ip, 2);
        },
      };
    },
  };
}

export const ssoLimiter = createSsoLimiter();
