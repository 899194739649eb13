// How the CLI shows approval requests (issue 14): the list's table, one request in full with its
// reviews, and the sentence after a review. Text from the portal passes through clean().
import type { ApprovalRequestView, ApprovalStatus } from "@wheelhouse/shared";
import type { Context } from "../context";
import { clean, formatRelativeTime, formatTimeUntil } from "../output/format";
import { renderTable } from "../output/table";
import type { Tone } from "../output/terminal";
import { formatInstant } from "./incidents";

const STATUS_TONES: Record<ApprovalStatus, Tone> = {
  pending: "busy",
  executing: "busy",
  executed: "good",
  failed: "bad",
  denied: "bad",
  expired: "muted",
  cancelled: "muted",
};

export function approvalTone(status: ApprovalStatus): Tone {
  return STATUS_TONES[status];
}

/** "1/2": approvals that count now, of those the policy needs. */
function tallyOf(request: ApprovalRequestView): string {
  return `${request.approvalsCounted}/${request.policy.approvals}`;
}

function rolesOf(request: ApprovalRequestView): string {
  return request.policy.reviewerRoles.join(" or ");
}

export function approvalsTable(requests: readonly ApprovalRequestView[], context: Context): string {
  const now = context.now();
  const paint = context.terminal.paint;
  return renderTable(
    ["#", "STATUS", "APP", "ENV", "SUMMARY", "REQUESTER", "APPROVALS", "EXPIRES"],
    requests.map((request) => [
      `#${request.number}`,
      paint(request.breakGlass ? `${request.status} (break-glass)` : request.status, approvalTone(request.status)),
      clean(request.appName),
      clean(request.environment),
      clean(request.summary),
      clean(request.requesterEmail),
      tallyOf(request),
      // Only a waiting request can still expire; a finished one shows none.
      request.status === "pending" ? formatTimeUntil(request.expiresAt, now) : null,
    ]),
  );
}

function reviewLine(review: ApprovalRequestView["reviews"][number]): string {
  const stale =
    review.decision === "approve" && !review.counts ? " (no longer counts: older than the policy allows)" : "";
  const comment = review.comment ? `: ${clean(review.comment).replace(/\s+/g, " ")}` : "";
  return `  ${formatInstant(review.createdAt)}  ${review.decision.padEnd(9)}${clean(review.reviewerEmail)} (${review.reviewerRole})${comment}${stale}`;
}

/** What the person running the CLI may do with it, and how. */
function yourPart(request: ApprovalRequestView): string | null {
  if (request.status !== "pending") return null;
  const lines: string[] = [];
  if (request.you.canReview) {
    lines.push(
      `You may review it: wheelhouse approve ${request.number} [--comment TEXT], or wheelhouse deny ${request.number} --comment TEXT`,
    );
  } else if (request.you.cannotReviewBecause) {
    lines.push(`You cannot review it: ${clean(request.you.cannotReviewBecause)}`);
  }
  if (request.you.canCancel) lines.push(`You may cancel it: wheelhouse approvals cancel ${request.number}`);
  return lines.length > 0 ? lines.join("\n") : null;
}

/** "Deployment dep_70: Live", or Failed with its reason: what running it came to so far. */
function deploymentLine(deployment: NonNullable<ApprovalRequestView["deployment"]>): string {
  const reason = deployment.failureReason ? ` (${clean(deployment.failureReason)})` : "";
  return `Deployment ${deployment.id}: ${deployment.status}${reason}`;
}

export function renderApproval(request: ApprovalRequestView, context: Context): string {
  const now = context.now();
  const paint = context.terminal.paint;
  const status = paint(request.status, approvalTone(request.status));
  const expiry =
    request.status === "pending"
      ? ` · expires ${formatTimeUntil(request.expiresAt, now)} (${formatInstant(request.expiresAt)})`
      : "";
  const lines = [
    `#${request.number} ${clean(request.summary)}: ${clean(request.appName)} in ${clean(request.environment)}`,
    `Status ${status}${request.breakGlass ? " (break-glass: ran without approval)" : ""} · approvals ${tallyOf(request)} from ${rolesOf(request)}${expiry}`,
    `Asked by ${clean(request.requesterEmail)} ${formatRelativeTime(request.createdAt, now)} (${formatInstant(request.createdAt)}): ${clean(request.reason)}`,
    `Id ${request.id} · action ${request.action}`,
  ];
  if (request.decidedAt) lines.push(`Decided ${formatInstant(request.decidedAt)}`);
  if (request.executedAt) lines.push(`Executed ${formatInstant(request.executedAt)}`);
  if (request.deployment) lines.push(deploymentLine(request.deployment));
  else if (request.deploymentId) lines.push(`Deployment ${request.deploymentId}`);
  if (request.outcome) lines.push(`Outcome: ${clean(request.outcome)}`);
  lines.push("", "Reviews");
  lines.push(request.reviews.length > 0 ? request.reviews.map(reviewLine).join("\n") : "  (none yet)");
  const yours = yourPart(request);
  if (yours) lines.push("", yours);
  return `${lines.join("\n")}\n`;
}

/** The sentence after `wheelhouse approve`: whether it ran (and its deployment) or still waits. */
export function describeApproved(request: ApprovalRequestView): string {
  const subject = `request #${request.number} (${clean(request.summary)}: ${clean(request.appName)} in ${clean(request.environment)})`;
  const deployment = request.deploymentId
    ? ` Deployment ${request.deploymentId}; follow it with: wheelhouse status ${request.appName}`
    : "";
  switch (request.status) {
    case "executed":
      return `Approved ${subject}: it executed.${deployment}\n`;
    case "executing":
      return `Approved ${subject}: it is executing.${deployment}\n`;
    case "pending": {
      const missing = request.policy.approvals - request.approvalsCounted;
      return `Approved ${subject}: ${tallyOf(request).replace("/", " of ")} approvals; it waits for ${missing} more.\n`;
    }
    default:
      return `Approved ${subject}; it is ${request.status}${request.outcome ? `: ${clean(request.outcome)}` : "."}\n`;
  }
}
