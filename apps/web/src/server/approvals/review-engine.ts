// The rules of reviewing an approval request (issue 14), as pure functions: who may review, which
// approvals still count, and when enough have arrived. The server enforces them on every transport
// (approval-reviews.ts) and the views answer `you.canReview` from the same functions, so the UI
// never offers what the server would refuse. Teleport's access-request review engine was the bar:
// thresholds, reviewer roles, no self-review, one review per person, a denial ends it, and an
// approval that went stale before the last one arrived no longer counts (decision 036).
import {
  type ApprovalPolicy,
  type ApprovalStatus,
  can,
  type ReviewDecision,
  type Role,
  roleSchema,
} from "@wheelhouse/shared";

export interface EngineRequest {
  number: number;
  status: ApprovalStatus;
  requesterId: string;
  policy: Pick<ApprovalPolicy, "approvals" | "reviewerRoles" | "approvalValiditySeconds">;
  expiresAt: Date;
  createdAt: Date;
  breakGlass: boolean;
}

export interface EngineReview {
  reviewerId: string;
  /** The reviewer's role when they reviewed. */
  role: string;
  decision: ReviewDecision;
  createdAt: Date;
}

export interface Reviewer {
  id: string;
  role: Role;
}

/** Which rule refused a review: the transport picks FORBIDDEN (who you are) or CONFLICT (its state). */
export type RefusalRule = "break-glass" | "closed" | "expired" | "own-request" | "role" | "already-reviewed";

export interface ReviewRefusal {
  rule: RefusalRule;
  /** A sentence the reviewer can act on, shown as it is by the UI and the CLI. */
  message: string;
}

/** Refusals about the person rather than the request's state: audited as denied attempts. */
export const PERSONAL_REFUSALS: readonly RefusalRule[] = ["own-request", "role"];

const ENDED_AS: Record<Exclude<ApprovalStatus, "pending">, string> = {
  executing: "approved and is running",
  executed: "approved and executed",
  failed: "approved, but it failed",
  denied: "denied",
  expired: "left to expire",
  cancelled: "cancelled by its author",
};

/** "Request #4 was already denied." for any status but pending. */
export function alreadyEnded(number: number, status: Exclude<ApprovalStatus, "pending">): string {
  return `Request #${number} was already ${ENDED_AS[status]}.`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** "an approver or admin", "an admin". */
export function reviewerRolesPhrase(roles: readonly string[]): string {
  const [first, ...rest] = roles;
  if (!first) return "a reviewer";
  return [article(first), ...rest].join(" or ");
}

function mayReview(policy: EngineRequest["policy"], role: string): boolean {
  const parsed = roleSchema.safeParse(role);
  if (!parsed.success || !can(parsed.data, "approvals.review")) return false;
  return (policy.reviewerRoles as readonly string[]).includes(parsed.data);
}

/**
 * Null when `reviewer` may `decision` the request now; otherwise the rule that refuses it. Checked
 * in this order so the sentence names the most useful reason (a finished request says so whoever asks).
 */
export function reviewRefusal(
  request: EngineRequest,
  reviews: readonly EngineReview[],
  reviewer: Reviewer,
  decision: ReviewDecision,
  now: Date,
): ReviewRefusal | null {
  const name = `Request #${request.number}`;
  if (request.breakGlass) {
    return { rule: "break-glass", message: `${name} ran without approval (break-glass): there is nothing to review.` };
  }
  if (request.status !== "pending") {
    return { rule: "closed", message: alreadyEnded(request.number, request.status) };
  }
  if (now.getTime() >= request.expiresAt.getTime()) {
    return { rule: "expired", message: `${name} expired at ${request.expiresAt.toISOString()}: ask again.` };
  }
  if (request.requesterId === reviewer.id) {
    return { rule: "own-request", message: "You asked for it: someone else must review it." };
  }
  if (!mayReview(request.policy, reviewer.role)) {
    const verb = decision === "approve" ? "Approving" : "Denying";
    return {
      rule: "role",
      message: `${verb} request #${request.number} needs ${reviewerRolesPhrase(request.policy.reviewerRoles)}; you are ${article(reviewer.role)}.`,
    };
  }
  if (reviews.some((review) => review.reviewerId === reviewer.id)) {
    return { rule: "already-reviewed", message: `You already reviewed request #${request.number}.` };
  }
  return null;
}

/** Whether one approval counts at `now`: from an allowed role, not the requester's, and still valid. */
export function approvalCounts(request: EngineRequest, review: EngineReview, now: Date): boolean {
  if (review.decision !== "approve") return false;
  if (review.reviewerId === request.requesterId || !mayReview(request.policy, review.role)) return false;
  const age = now.getTime() - review.createdAt.getTime();
  return age < request.policy.approvalValiditySeconds * 1000;
}

export interface Tally {
  /** Distinct people whose approval counts now. */
  counted: number;
  required: number;
  /** Any denial ends the request, whatever the approvals. */
  denied: boolean;
  met: boolean;
}

export function tally(request: EngineRequest, reviews: readonly EngineReview[], now: Date): Tally {
  const approvers = new Set(
    reviews.filter((review) => approvalCounts(request, review, now)).map((review) => review.reviewerId),
  );
  const denied = reviews.some((review) => review.decision === "deny");
  const counted = approvers.size;
  return { counted, required: request.policy.approvals, denied, met: !denied && counted >= request.policy.approvals };
}
