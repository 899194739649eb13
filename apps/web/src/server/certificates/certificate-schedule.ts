// When a certificate is renewed, retried and warned about (issue 15). Pure: the worker and the
// expiry pass call these with the certificate's dates and the clock.

const DAY_MS = 24 * 60 * 60 * 1_000;

/** Renew this long before expiry (Let's Encrypt's own advice for its 90-day certificates). */
export const RENEW_BEFORE_EXPIRY_MS = 30 * DAY_MS;
/** A certificate this close to expiry raises a signal and a notification. */
export const EXPIRY_WARNING_MS = 14 * DAY_MS;
/** Retries never wait longer than this, however many failed in a row. */
export const MAX_RETRY_DELAY_MS = DAY_MS;

/**
 * 30 days before notAfter, or at two thirds of the lifetime when that comes later: a short-lived
 * certificate (6 days, say) would otherwise be renewed the moment it is issued, and renewed again.
 */
export function renewalTime(notBefore: Date, notAfter: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const thirtyDaysBefore = notAfter.getTime() - RENEW_BEFORE_EXPIRY_MS;
  const twoThirds = notBefore.getTime() + Math.floor((lifetime * 2) / 3);
  return new Date(Math.max(thirtyDaysBefore, twoThirds));
}

/**
 * The next attempt after `failures` failed orders in a row (1 after the first): the initial delay
 * doubling each time up to a day, and never before the CA's Retry-After (its rate limits say when).
 */
export function retryTime(now: Date, failures: number, initialMs: number, retryAfter: Date | null): Date {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(initialMs * 2 ** exponent, MAX_RETRY_DELAY_MS);
  const backedOff = now.getTime() + delay;
  return new Date(Math.max(backedOff, retryAfter?.getTime() ?? 0));
}

/** Within the warning window of its expiry (and not yet expired). */
export function expiresSoon(notAfter: Date, now: Date): boolean {
  const left = notAfter.getTime() - now.getTime();
  return left > 0 && left <= EXPIRY_WARNING_MS;
}
