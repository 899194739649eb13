// The expiry sweep (issue 14): every 30 seconds, pending requests past their expiresAt become
// `expired`, audited as "approval expiry", counted, notified and hinted. The review engine refuses
// an expired request at review time whatever the sweep did, so a late sweep never lets one execute.
import { recordAudit } from "../audit/audit-log";
import { PeriodicPass } from "../scheduling/periodic-pass";
import { announce, type NoticeServices } from "./approval-notices";
import { reloadRequest } from "./approval-requests";
import { leavePending } from "./approval-store";

export const EXPIRY_SWEEP_INTERVAL_MS = 30_000;
/** Per pass: a backlog (a portal down for a day) is worked off over a few passes. */
const BATCH = 200;

export class ApprovalExpirySweep {
  private readonly periodic: PeriodicPass;

  constructor(private readonly services: NoticeServices) {
    this.periodic = new PeriodicPass(() => this.sweep(), "expire approval requests", services.logger);
  }

  start(intervalMs = EXPIRY_SWEEP_INTERVAL_MS): void {
    this.periodic.start(intervalMs);
  }

  stop(): void {
    this.periodic.stop();
  }

  /** One pass; returns how many requests it expired. */
  async sweep(now = new Date()): Promise<number> {
    const { db } = this.services;
    const due = await db.approvalRequest.findMany({
      where: { status: "pending", expiresAt: { lte: now } },
      orderBy: { expiresAt: "asc" },
      take: BATCH,
      select: { id: true },
    });
    let expired = 0;
    for (const { id } of due) {
      // An approval that met the policy a moment ago wins: the move is conditional on pending.
      if (!(await leavePending(db, id, "expired", { decidedAt: now, outcome: "No decision before it expired." }))) {
        continue;
      }
      expired += 1;
      const request = await reloadRequest(db, id);
      const { row } = request;
      await recordAudit(db, {
        actorName: "approval expiry",
        teamId: row.teamId,
        action: "approvals.expire",
        target: { type: "approval", id: row.id },
        outcome: "success",
        details: { number: row.number, app: row.appName, action: row.action, expiresAt: row.expiresAt.toISOString() },
      });
      await announce(this.services, request, "expired");
    }
    return expired;
  }
}
