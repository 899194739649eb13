// Approve, deny and cancel (issue 14), enforced here whatever the transport (UI, REST, CLI): the
// review engine decides who may, the database's unique (requestId, reviewerId) guards a double
// review, and every status move is conditional on `pending` (approval-store.ts). A refused review
// is audited: denied when it is about the person (own request, role), failure about the request.
import type { ReviewDecision } from "@wheelhouse/shared";
import { isUniqueViolation } from "../apps/app-domains";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import { executeApproved } from "./approval-execution";
import type { GateCaller } from "./approval-gate";
import { announce } from "./approval-notices";
import { findRequest, type ParsedRequest, reloadRequest } from "./approval-requests";
import { leavePending } from "./approval-store";
import { alreadyEnded, PERSONAL_REFUSALS, type ReviewRefusal, reviewRefusal, tally } from "./review-engine";

const AUDIT_ACTION = { approve: "approvals.approve", deny: "approvals.deny" } as const;

async function refuse(
  caller: GateCaller,
  request: ParsedRequest,
  action: string,
  refusal: ReviewRefusal,
): Promise<never> {
  const personal = PERSONAL_REFUSALS.includes(refusal.rule);
  await recordAudit(caller.services.db, {
    actor: caller.user,
    teamId: caller.user.team.id,
    action,
    target: { type: "approval", id: request.row.id },
    outcome: personal ? "denied" : "failure",
    ip: caller.ip,
    details: { number: request.row.number, rule: refusal.rule, error: refusal.message },
  });
  throw new AppError(personal ? "FORBIDDEN" : "CONFLICT", refusal.message);
}

/**
 * Inserts the review and, in the same transaction, checks the request is still pending and
 * unexpired (a deny moves it to denied there). Null when it was; a refusal when something else
 * ended it meanwhile (the transaction then rolls back the review).
 */
async function recordReview(
  caller: GateCaller,
  request: ParsedRequest,
  decision: ReviewDecision,
  comment: string,
  now: Date,
): Promise<ReviewRefusal | null> {
  const { db } = caller.services;
  const { row } = request;
  const ended = new Error("ended meanwhile");
  try {
    await db.$transaction(async (tx) => {
      await tx.approvalReview.create({
        data: {
          requestId: row.id,
          reviewerId: caller.user.id,
          reviewerEmail: caller.user.email,
          reviewerRole: caller.user.role,
          decision,
          comment,
          createdAt: now,
        },
      });
      // Also takes the request's row lock (PostgreSQL), so reviews of one request are tallied in turn.
      const { count } = await tx.approvalRequest.updateMany({
        where: { id: row.id, status: "pending", expiresAt: { gt: now } },
        data: decision === "deny" ? { status: "denied", decidedAt: now, outcome: comment } : { updatedAt: now },
      });
      if (count !== 1) throw ended;
    });
    return null;
  } catch (error) {
    if (isUniqueViolation(error)) {
      return { rule: "already-reviewed", message: `You already reviewed request #${row.number}.` };
    }
    if (error !== ended) throw error;
    const fresh = await reloadRequest(db, row.id);
    return {
      rule: fresh.status === "pending" ? "expired" : "closed",
      message:
        fresh.status === "pending"
          ? `Request #${row.number} expired at ${row.expiresAt.toISOString()}: ask again.`
          : alreadyEnded(row.number, fresh.status),
    };
  }
}

export async function review(
  caller: GateCaller,
  ref: string,
  decision: ReviewDecision,
  comment: string | undefined,
): Promise<ParsedRequest> {
  const { services, user, ip } = caller;
  const request = await findRequest(services.db, user.team.id, ref);
  const now = new Date();
  const action = AUDIT_ACTION[decision];
  const refusal =
    reviewRefusal(request.engine, request.reviews, user, decision, now) ??
    (await recordReview(caller, request, decision, comment ?? "", now));
  if (refusal) return refuse(caller, request, action, refusal);
  await caller.audit({
    action,
    target: { type: "approval", id: request.row.id },
    details: { number: request.row.number, app: request.row.appName, action: request.action, comment: comment ?? "" },
  });
  const reviewed = await reloadRequest(services.db, request.row.id);
  if (decision === "deny") {
    await announce(services, reviewed, "denied", user.email);
    return reviewed;
  }
  const counted = tally(reviewed.engine, reviewed.reviews, new Date());
  // Two last approvals at once both see the threshold met; the conditional move lets one execute.
  if (counted.met && (await leavePending(services.db, reviewed.row.id, "executing", { decidedAt: new Date() }))) {
    return executeApproved(services, await reloadRequest(services.db, reviewed.row.id), user.email, ip);
  }
  services.events.emit("approvalChanged", reviewed.row.teamId, reviewed.row.id);
  // Read again: another approval may have just won the move to executing.
  return reloadRequest(services.db, reviewed.row.id);
}

/** Its author only, while it waits. */
export async function cancel(caller: GateCaller, ref: string): Promise<ParsedRequest> {
  const { services, user } = caller;
  const request = await findRequest(services.db, user.team.id, ref);
  const { row } = request;
  if (row.requesterId !== user.id) {
    return refuse(caller, request, "approvals.cancel", {
      rule: "own-request",
      message: `Only its author (${row.requesterEmail}) can cancel request #${row.number}.`,
    });
  }
  const now = new Date();
  const moved =
    request.status === "pending" &&
    (await leavePending(services.db, row.id, "cancelled", { decidedAt: now, outcome: "Cancelled by its author." }));
  if (!moved) {
    const fresh = await reloadRequest(services.db, row.id);
    const status = fresh.status === "pending" ? "executing" : fresh.status;
    return refuse(caller, request, "approvals.cancel", { rule: "closed", message: alreadyEnded(row.number, status) });
  }
  await caller.audit({
    action: "approvals.cancel",
    target: { type: "approval", id: row.id },
    details: { number: row.number, app: row.appName, action: request.action },
  });
  const cancelled = await reloadRequest(services.db, row.id);
  await announce(services, cancelled, "cancelled");
  return cancelled;
}
