import { RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS, RECONNECT_JITTER } from "@wheelhouse/shared";

/** The delay before retry `attempt` (0-based): doubling from 1 s, capped at 30 s, spread by ±50 %. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(RECONNECT_DELAY_MAX_MS, RECONNECT_DELAY_MS * 2 ** attempt);
  const spread = base * RECONNECT_JITTER;
  return Math.round(base - spread + random() * 2 * spread);
}
