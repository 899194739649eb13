// A host's statuses, defined once (issue 10). Derived, not stored: Online needs a live agent
// connection and a message within LOST_AFTER_MS; Pending is enrolled but never connected; Revoked's
// key can no longer connect (apps/web/src/server/hosts/host-status.ts).

export const HOST_STATUSES = ["online", "lost", "revoked", "pending"] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];
