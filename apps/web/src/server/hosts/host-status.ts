// A host's status, one vocabulary across the product: Online, Lost, Revoked, or Pending (enrolled,
// never connected). Online needs a live connection and a message within LOST_AFTER_MS.
import { type HostStatus, LOST_AFTER_MS } from "@wheelhouse/shared";

export function hostStatus(
  host: { revokedAt: Date | null; lastSeenAt: Date | null },
  connected: boolean,
  lastSeen: number | undefined,
  now = Date.now(),
): HostStatus {
  if (host.revokedAt) return "revoked";
  const seen = lastSeen ?? host.lastSeenAt?.getTime();
  if (connected && seen !== undefined && now - seen < LOST_AFTER_MS) return "online";
  return seen === undefined ? "pending" : "lost";
}
