// An approval request's statuses, defined once (issue 14). A request waits (pending) until enough
// approvals arrive, then runs its bound action once (executing → executed, or failed when the target
// changed or the action was refused); a denial, its expiry or its author end it earlier.

export const APPROVAL_STATUSES = [
  "pending",
  "executing",
  "executed",
  "failed",
  "denied",
  "expired",
  "cancelled",
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** Still waiting for reviews: the only status a review, a cancel or the expiry sweep may change. */
export const OPEN_APPROVAL_STATUSES = ["pending"] as const satisfies readonly ApprovalStatus[];

/** Ended: nothing changes these again. */
export const FINISHED_APPROVAL_STATUSES = [
  "executed",
  "failed",
  "denied",
  "expired",
  "cancelled",
] as const satisfies readonly ApprovalStatus[];

export const REVIEW_DECISIONS = ["approve", "deny"] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
