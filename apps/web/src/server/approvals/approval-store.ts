// Writing approval requests: a new one with its team number (db/team-numbers.ts), refused while one
// for the same app and action waits, and the status moves of its life, each a conditional update
// from `pending`, so two things happening at once (two last approvals, an approval and the expiry
// sweep, a denial and a cancel) change it once.
import type { ApprovalBinding, ApprovalParams, ApprovalPolicy, ApprovalStatus, GatedAction } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import { withNextTeamNumber } from "../db/team-numbers";
import { AppError } from "../errors/app-error";
import { type ParsedRequest, parseRequest, requestInclude } from "./approval-requests";

export interface NewRequest {
  app: AppRecord;
  action: GatedAction;
  params: ApprovalParams;
  binding: ApprovalBinding;
  policy: ApprovalPolicy;
  reason: string;
  requester: { id: string; email: string };
  breakGlass: boolean;
  status: Extract<ApprovalStatus, "pending" | "executed">;
  deploymentId?: string | null;
  outcome?: string | null;
  decidedAt?: Date;
  executedAt?: Date;
}

const ACTION_WORDS: Record<GatedAction, string> = {
  "apps.rollback": "roll back",
  "apps.deploy": "deploy",
  "apps.restart": "restart",
  "apps.scale": "scale",
  "apps.maintenance": "switch maintenance mode of",
};

export async function createRequest(db: Db, fields: NewRequest): Promise<ParsedRequest> {
  const { app, action } = fields;
  const now = new Date();
  const row = await withNextTeamNumber(
    db,
    async (tx) =>
      (
        await tx.approvalRequest.findFirst({
          where: { teamId: app.teamId },
          orderBy: { number: "desc" },
          select: { number: true },
        })
      )?.number ?? null,
    async (tx, number) => {
      // Inside the numbered transaction: two requests at once both pass a check made before it,
      // but the second's number collides, it runs again, and then sees the first one pending.
      if (fields.status === "pending") {
        const waiting = await tx.approvalRequest.findFirst({
          where: { teamId: app.teamId, appId: app.id, action, status: "pending" },
          select: { number: true, requesterEmail: true },
        });
        if (waiting) {
          throw new AppError(
            "CONFLICT",
            `Request #${waiting.number} to ${ACTION_WORDS[action]} ${app.name} (by ${waiting.requesterEmail}) is already waiting for approval: review or cancel it first.`,
          );
        }
      }
      return tx.approvalRequest.create({
        data: {
          teamId: app.teamId,
          number,
          action,
          appId: app.id,
          appName: app.name,
          environment: app.environment,
          params: JSON.stringify(fields.params),
          binding: JSON.stringify(fields.binding),
          reason: fields.reason,
          requesterId: fields.requester.id,
          requesterEmail: fields.requester.email,
          status: fields.status,
          policy: JSON.stringify(fields.policy),
          expiresAt: new Date(now.getTime() + fields.policy.requestExpirySeconds * 1000),
          breakGlass: fields.breakGlass,
          outcome: fields.outcome ?? null,
          deploymentId: fields.deploymentId ?? null,
          decidedAt: fields.decidedAt ?? null,
          executedAt: fields.executedAt ?? null,
          createdAt: now,
        },
        include: requestInclude,
      });
    },
  );
  return parseRequest(row);
}

/** pending → `to`, only if still pending. True when this caller made the change; false when something else ended it first. */
export async function leavePending(
  db: Db,
  id: string,
  to: Exclude<ApprovalStatus, "pending">,
  fields: { outcome?: string | null; decidedAt: Date },
): Promise<boolean> {
  const { count } = await db.approvalRequest.updateMany({
    where: { id, status: "pending" },
    data: {
      status: to,
      decidedAt: fields.decidedAt,
      ...(fields.outcome !== undefined ? { outcome: fields.outcome } : {}),
    },
  });
  return count === 1;
}

/** executing → executed or failed: only the caller that won pending → executing gets here. */
export async function finishExecution(
  db: Db,
  id: string,
  result: { status: "executed" | "failed"; outcome: string | null; deploymentId: string | null },
): Promise<void> {
  await db.approvalRequest.update({
    where: { id },
    data: {
      status: result.status,
      outcome: result.outcome,
      deploymentId: result.deploymentId,
      ...(result.status === "executed" ? { executedAt: new Date() } : {}),
    },
  });
}
