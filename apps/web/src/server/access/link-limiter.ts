// Slows guessing at the public invite and reset endpoints, as sign-in-limiter.ts does for
// passwords: each request is charged to its address BEFORE the token is looked up (charge-first,
// attempt-limit.ts), and a request whose token was a real, usable link gives its charge back, so a
// person opening and using their link never runs into the limit. A token is 256 random bits, so
// guessing is hopeless anyway; the limit keeps a scanner from hammering the database and the
// audit trail. In memory, like the sign-in limits (a restart forgets the counts).
import { RateLimiterMemory } from "rate-limiter-flexible";
import { AppError } from "../errors/app-error";
import { charge, rateLimitedMessage } from "./attempt-limit";

export interface LinkCharge {
  /** The token was a usable link: the attempt is given back. */
  succeeded(): Promise<void>;
}

export interface LinkLimiter {
  charge(ip: string): Promise<LinkCharge>;
}

export function createLinkLimiter(points = 30, windowSeconds = 15 * 60): LinkLimiter {
  const limiter = new RateLimiterMemory({ keyPrefix: "account-link-address", points, duration: windowSeconds });
  return {
    async charge(ip) {
      const refused = await charge(limiter, ip);
      if (refused) {
        throw new AppError(
          "RATE_LIMITED",
          rateLimitedMessage("Too many attempts with links that cannot be used.", refused.msBeforeNext),
        );
      }
      return {
        async succeeded() {
          await limiter.reward(ip, 1);
        },
      };
    },
  };
}

/** The portal's one limiter for /invite and /reset. */
export const linkLimiter = createLinkLimiter();
