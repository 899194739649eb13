// The request and response shapes of approvals (issue 14): tRPC procedures declare them, REST
// (/api/v1/approvals…) is generated from those, and the CLI parses with them. Dates are ISO 8601.
import { z } from "zod";
import { approvalParamsSchema } from "../approvals/approval-params";
import { approvalPoliciesSchema, approvalPolicySchema, GATED_ACTIONS } from "../approvals/approval-policy";
import { appNameSchema } from "../apps/app-fields";
import { APPROVAL_STATUSES, REVIEW_DECISIONS } from "../statuses/approval-statuses";
import { DEPLOYMENT_STATUSES } from "../statuses/deployment-statuses";

const isoDate = z.string();
/** A request is named by its id or by its team number ("12" or "#12"); the CLI prints both. */
const requestRef = z.string().trim().min(1).max(64);

// ---- inputs ----

/** waiting: I may review it now; mine: I asked; all: the team's. */
export const APPROVAL_VIEWS = ["waiting", "mine", "all"] as const;
export const APPROVAL_LIST_STATUSES = ["open", "finished", "all", ...APPROVAL_STATUSES] as const;

export const approvalListInputSchema = z
  .object({
    view: z.enum(APPROVAL_VIEWS).default("all"),
    status: z.enum(APPROVAL_LIST_STATUSES).default("all"),
    app: appNameSchema.optional(),
    action: z.enum(GATED_ACTIONS).optional(),
    /** The number of the last request of the previous page (newest first). */
    cursor: z.coerce.number().int().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Sent by tRPC's infinite queries; pages only go back in time. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .strict();

export const approvalRefSchema = z.object({ id: requestRef }).strict();

export const approveInputSchema = z
  .object({
    id: requestRef,
    comment: z.string().trim().max(2_000, "A comment is at most 2,000 characters.").optional(),
  })
  .strict();

export const denyInputSchema = z
  .object({
    id: requestRef,
    comment: z
      .string()
      .trim()
      .min(1, "Say why you deny it: the requester reads your comment.")
      .max(2_000, "A comment is at most 2,000 characters."),
  })
  .strict();

export const savePoliciesInputSchema = z.object({ policies: approvalPoliciesSchema }).strict();

/**
 * Every gated action (rollback, deploy, restart, scale, maintenance) takes these two. A reason is
 * what reviewers read; `breakGlass` (admins only) runs it at once without approval and needs one.
 */
export const gateFields = {
  reason: z.string().trim().max(500, "A reason is at most 500 characters.").optional(),
  breakGlass: z.boolean().optional(),
};

// ---- outputs ----

export const approvalReviewSchema = z.object({
  reviewerId: z.string(),
  reviewerEmail: z.string(),
  reviewerRole: z.string(),
  decision: z.enum(REVIEW_DECISIONS),
  comment: z.string(),
  createdAt: isoDate,
  /** An approval counts only while younger than the policy's validity. */
  counts: z.boolean(),
});

export const approvalRequestSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  action: z.enum(GATED_ACTIONS),
  appName: z.string(),
  environment: z.string(),
  params: approvalParamsSchema,
  /** describeApprovalParams(params), so every client says it the same way. */
  summary: z.string(),
  reason: z.string(),
  requesterId: z.string(),
  requesterEmail: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  breakGlass: z.boolean(),
  /** Why it ended as it did (a denial's comment, the target that changed, the refusal at execution). */
  outcome: z.string().nullable(),
  deploymentId: z.string().nullable(),
  /**
   * The deployment it ran, as it stands now: `executed` means the action was started; whether the
   * release went Live or failed is the deployment's status, read when the request is.
   */
  deployment: z
    .object({
      id: z.string(),
      status: z.enum(DEPLOYMENT_STATUSES),
      failureReason: z.string().nullable(),
      finishedAt: isoDate.nullable(),
    })
    .nullable(),
  policy: approvalPolicySchema,
  /** Approvals that count now, of `policy.approvals`. */
  approvalsCounted: z.number().int(),
  expiresAt: isoDate,
  createdAt: isoDate,
  decidedAt: isoDate.nullable(),
  executedAt: isoDate.nullable(),
  reviews: z.array(approvalReviewSchema),
  /** What the asking person may do with it, decided by the same rules the server enforces. */
  you: z.object({
    canReview: z.boolean(),
    /** Why not, in a sentence ("You asked for it."), when canReview is false and the request is open. */
    cannotReviewBecause: z.string().nullable(),
    canCancel: z.boolean(),
  }),
});
export type ApprovalRequestView = z.infer<typeof approvalRequestSchema>;

export const approvalListSchema = z.object({
  requests: z.array(approvalRequestSchema),
  nextCursor: z.number().int().nullable(),
});

/** A gated action answered "waiting for approval" instead of running: what the CLI prints and exits 3 on. */
export const approvalPendingSchema = z.object({
  requestId: z.string(),
  number: z.number().int(),
  status: z.enum(APPROVAL_STATUSES),
  /** "Rolling back shop in production needs 1 approval from an approver or admin: request #4 waits." */
  message: z.string(),
});
export type ApprovalPending = z.infer<typeof approvalPendingSchema>;

export const approvalPoliciesOutputSchema = z.object({
  policies: approvalPoliciesSchema,
  /** True while the team has saved none and the defaults apply. */
  defaults: z.boolean(),
});

/** Whether an action on an app would wait for approval: the UI labels its button from this. */
export const approvalRequirementInputSchema = z.object({ app: appNameSchema, action: z.enum(GATED_ACTIONS) }).strict();
export const approvalRequirementSchema = z.object({
  required: z.boolean(),
  policy: approvalPolicySchema.nullable(),
  /** The app's open request for this action, if one waits. */
  pending: approvalPendingSchema.nullable(),
});
