// The audit write every mutating procedure ends with. The context fills in who acted, their team
// and their address, so a router states only what happened (see audit/audit-log.ts for the table).
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";

interface ProcedureAuditEntry {
  /** `resource.verb`, as in ACTIONS where the action is one a role is checked for. */
  action: string;
  target?: { type: string; id: string };
  details?: Record<string, unknown>;
  /**
   * Who acted and in which team, when that is not the request's signed-in user: a key created with
   * a password, the first admin created by setup.
   */
  as?: { actor: { id: string; email: string }; teamId: string | null };
}

export type ProcedureAudit = (entry: ProcedureAuditEntry) => Promise<void>;

export function procedureAudit(
  db: Db,
  user: { id: string; email: string; team: { id: string } } | null,
  ip: string,
): ProcedureAudit {
  return (entry) =>
    recordAudit(db, {
      actor: entry.as ? entry.as.actor : user,
      teamId: entry.as ? entry.as.teamId : (user?.team.id ?? null),
      action: entry.action,
      target: entry.target ?? null,
      // Refusals are audited by access/authorize.ts; what reaches here succeeded.
      outcome: "success",
      ip,
      ...(entry.details ? { details: entry.details } : {}),
    });
}
