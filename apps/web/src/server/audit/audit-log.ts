// The append-only audit trail. Every mutating action and every refused attempt writes one event.
// The table refuses UPDATE and DELETE at the database (triggers in the first migration).
import type { Db } from "../db/client";
import { noteAuditWritten } from "./audit-scope";

export type AuditOutcome = "success" | "denied" | "failure";

export interface AuditEntry {
  actor?: { id: string; email: string } | null;
  /** Who acted when it was no person (e.g. "registry hook"): written where a person's email goes. */
  actorName?: string;
  teamId?: string | null;
  /** `resource.verb`, e.g. `session.create`, `users.role.update`. */
  action: string;
  target?: { type: string; id: string } | null;
  outcome: AuditOutcome;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: entry.actor?.id ?? null,
      actorEmail: entry.actor?.email ?? entry.actorName ?? null,
      teamId: entry.teamId ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      outcome: entry.outcome,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    },
  });
  noteAuditWritten();
}
