// Slows password guessing: per account-and-address and per address, counted on failures only.
// In memory: a portal restart forgets the counts, which is acceptable for a single process; a
// multi-instance deployment should move this to the shared database (rate-limiter-flexible has one).
import { RateLimiterMemory, type RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors/app-error";

const WINDOW_SECONDS = 15 * 60;
const limits = [
  {
    limiter: new RateLimiterMemory({ keyPrefix: "sign-in-account", points: 5, duration: WINDOW_SECONDS }),
    points: 5,
    key: (email: string, ip: string) => `${email}|${ip}`,
  },
  {
    limiter: new RateLimiterMemory({ keyPrefix: "sign-in-address", points: 30, duration: WINDOW_SECONDS }),
    points: 30,
    key: (_email: string, ip: string) => ip,
  },
];

function refusal(res: RateLimiterRes): AppError {
  const minutes = Math.max(1, Math.ceil(res.msBeforeNext / 60_000));
  return new AppError(
    "RATE_LIMITED",
    `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
  );
}

/** Throws RATE_LIMITED when this account or address has used up its failures for the window. */
export async function assertMaySignIn(email: string, ip: string): Promise<void> {
  for (const { limiter, points, key } of limits) {
    const res = await limiter.get(key(email, ip));
    if (res && res.consumedPoints >= points) throw refusal(res);
  }
}

export async function recordFailedSignIn(email: string, ip: string): Promise<void> {
  for (const { limiter, key } of limits) await limiter.penalty(key(email, ip), 1);
}

/** A correct password clears the account's count (not the address's: one good account must not unlock guessing others). */
export async function recordSuccessfulSignIn(email: string, ip: string): Promise<void> {
  const [account] = limits;
  if (account) await account.limiter.delete(account.key(email, ip));
}
