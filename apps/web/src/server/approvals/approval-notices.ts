// What follows every change of an approval request, in one place so no path forgets one: the
// metrics (wheelhouse_approval_requests_total, wheelhouse_approval_wait_seconds), the team's webhooks
// (approval.requested / decided / break-glass) and the `approvals:changed` hint for browsers.
import { describeApprovalParams, type NotificationEvent } from "@wheelhouse/shared";
import type { ApprovalMetricOutcome } from "../metrics/registry";
import { notifySafely } from "../notifications/notify";
import type { PortalServices } from "../services";
import type { ParsedRequest } from "./approval-requests";
import { reviewerRolesPhrase } from "./review-engine";

export type NoticeServices = Pick<PortalServices, "db" | "events" | "config" | "logger" | "metrics">;

/** What just happened to the request. */
export type ApprovalTransition = ApprovalMetricOutcome;

const EVENT_OF: Record<ApprovalTransition, NotificationEvent> = {
  requested: "approval.requested",
  "break-glass": "approval.break-glass",
  "approved-executed": "approval.decided",
  failed: "approval.decided",
  denied: "approval.decided",
  expired: "approval.decided",
  cancelled: "approval.decided",
};

function sentence(request: ParsedRequest, transition: ApprovalTransition, by: string | null): string {
  const { row, policy } = request;
  const what = `"${describeApprovalParams(request.params)}" on ${row.appName} (${row.environment})`;
  const name = `Approval request #${row.number}`;
  switch (transition) {
    case "requested":
      return `${row.requesterEmail} asks: ${what}. Reason: "${row.reason}". It needs ${policy.approvals} approval${policy.approvals === 1 ? "" : "s"} from ${reviewerRolesPhrase(policy.reviewerRoles)}.`;
    case "break-glass":
      return `Break-glass: ${row.requesterEmail} ran ${what} without approval. Reason: "${row.reason}". The reviewers it skipped (${reviewerRolesPhrase(policy.reviewerRoles)}) are told by this message.`;
    case "approved-executed":
      return `${name} was approved${by ? ` by ${by}` : ""} and executed: ${what}.`;
    case "failed":
      return `${name} was approved but did not execute: ${row.outcome ?? "it failed"} (${what}).`;
    case "denied":
      return `${name} was denied${by ? ` by ${by}` : ""}: ${row.outcome ?? ""} (${what}).`;
    case "expired":
      return `${name} expired without enough approvals: ${what}.`;
    case "cancelled":
      return `${name} was cancelled by ${row.requesterEmail}: ${what}.`;
  }
}

/**
 * Counts, tells and hints. `by` names who decided (the last approver, the denier). Never throws for
 * the webhooks (notifySafely logs): the request's own change has already been made.
 */
export async function announce(
  services: NoticeServices,
  request: ParsedRequest,
  transition: ApprovalTransition,
  by: string | null = null,
): Promise<void> {
  const { row } = request;
  services.metrics.approvalRequests.inc({ action: row.action, outcome: transition });
  if (transition !== "requested" && transition !== "break-glass") {
    const decidedAt = row.decidedAt ?? new Date();
    services.metrics.approvalWait.observe(
      { action: row.action },
      Math.max(0, (decidedAt.getTime() - row.createdAt.getTime()) / 1000),
    );
  }
  await notifySafely(services, row.teamId, {
    type: EVENT_OF[transition],
    summary: sentence(request, transition, by),
    path: `/approvals/${row.number}`,
    data: {
      requestId: row.id,
      number: row.number,
      action: row.action,
      app: row.appName,
      environment: row.environment,
      params: request.params,
      reason: row.reason,
      requester: row.requesterEmail,
      status: row.status,
      /** requested, break-glass, approved-executed, failed, denied, expired or cancelled. */
      outcome: transition,
      ...(row.outcome ? { detail: row.outcome } : {}),
      ...(by ? { decidedBy: by } : {}),
      ...(row.deploymentId ? { deploymentId: row.deploymentId } : {}),
      ...(transition === "break-glass" ? { skippedReviewerRoles: request.policy.reviewerRoles } : {}),
    },
  });
  services.events.emit("approvalChanged", row.teamId, row.id);
}
