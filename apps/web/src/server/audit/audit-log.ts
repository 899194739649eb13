// The append-only audit trail. Every mutating action and every refused attempt writes one event.
// The table refuses UPDATE and DELETE at the database (triggers in the first migration).
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/sqlite/client";

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
}

export interface AuditQuery {
  teamId: string;
  action?: string | undefined;
  actor?: string | undefined;
  outcome?: AuditOutcome | undefined;
  before?: number | undefined;
  limit: number;
}

/** Newest first, paged by id. Events without a team (sign-ins of unknown emails) are shown to every team's auditors. */
export async function listAuditEvents(db: Db, query: AuditQuery) {
  const where: Prisma.AuditEventWhereInput = {
    OR: [{ teamId: query.teamId }, { teamId: null }],
    ...(query.action ? { action: { startsWith: query.action } } : {}),
    ...(query.actor ? { actorEmail: { contains: query.actor } } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    ...(query.before ? { id: { lt: query.before } } : {}),
  };
  const rows = await db.auditEvent.findMany({ where, orderBy: { id: "desc" }, take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  return {
    events: page.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> })),
    nextCursor: rows.length > query.limit ? page.at(-1)?.id : undefined,
  };
}
