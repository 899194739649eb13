// Which actions wait for a second person (issue 14): a team's policies, by action and environment.
// Stored as one JSON document per team (ApprovalPolicies); no document means the defaults.
import { z } from "zod";
import type { Role } from "../access/roles";

/** The actions a policy may gate: each changes what runs in an environment. */
export const GATED_ACTIONS = [
  "apps.rollback",
  "apps.deploy",
  "apps.restart",
  "apps.scale",
  "apps.maintenance",
] as const;
export type GatedAction = (typeof GATED_ACTIONS)[number];

export const GATED_ACTION_LABELS: Record<GatedAction, string> = {
  "apps.rollback": "Roll back",
  "apps.deploy": "Deploy",
  "apps.restart": "Restart",
  "apps.scale": "Scale",
  "apps.maintenance": "Maintenance mode",
};

/** `any` matches every environment; a policy naming the app's own environment wins over it. */
export const POLICY_ENVIRONMENTS = ["production", "staging", "any"] as const;
export type PolicyEnvironment = (typeof POLICY_ENVIRONMENTS)[number];

/** Only roles that hold `approvals.review` may be asked to review. */
export const REVIEWER_ROLES = ["approver", "admin"] as const satisfies readonly Role[];

const HOUR = 3_600;
const DAY = 24 * HOUR;

export const approvalPolicySchema = z
  .object({
    action: z.enum(GATED_ACTIONS),
    environment: z.enum(POLICY_ENVIRONMENTS),
    /** How many distinct people must approve. */
    approvals: z.number().int().min(1, "At least one approval.").max(5, "At most 5 approvals."),
    reviewerRoles: z
      .array(z.enum(REVIEWER_ROLES, { message: `Reviewers are ${REVIEWER_ROLES.join(" or ")}.` }))
      .min(1, "Name at least one reviewer role.")
      .max(REVIEWER_ROLES.length),
    /** A request not approved within this expires. */
    requestExpirySeconds: z
      .number()
      .int()
      .min(300, "A request waits at least 5 minutes.")
      .max(30 * DAY, "A request waits at most 30 days."),
    /** An approval older than this no longer counts (it went stale before the others arrived). */
    approvalValiditySeconds: z
      .number()
      .int()
      .min(60, "An approval stays valid at least 1 minute.")
      .max(7 * DAY, "An approval stays valid at most 7 days."),
  })
  .strict();
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

export const approvalPoliciesSchema = z
  .array(approvalPolicySchema)
  .max(GATED_ACTIONS.length * POLICY_ENVIRONMENTS.length)
  .superRefine((policies, ctx) => {
    const seen = new Set<string>();
    for (const [index, policy] of policies.entries()) {
      const key = `${policy.action} ${policy.environment}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: [index],
          message: `Two policies for ${policy.action} in ${policy.environment}: keep one.`,
        });
      }
      seen.add(key);
    }
  });

export const DEFAULT_REQUEST_EXPIRY_SECONDS = DAY;
export const DEFAULT_APPROVAL_VALIDITY_SECONDS = HOUR;

/** What a team without its own policies gets: a production rollback waits for one approver or admin. */
export const DEFAULT_APPROVAL_POLICIES: readonly ApprovalPolicy[] = [
  {
    action: "apps.rollback",
    environment: "production",
    approvals: 1,
    reviewerRoles: ["approver", "admin"],
    requestExpirySeconds: DEFAULT_REQUEST_EXPIRY_SECONDS,
    approvalValiditySeconds: DEFAULT_APPROVAL_VALIDITY_SECONDS,
  },
];

/** The policy that gates `action` in `environment`, or null when it runs at once. */
export function policyFor(
  policies: readonly ApprovalPolicy[],
  action: GatedAction,
  environment: string,
): ApprovalPolicy | null {
  return (
    policies.find((policy) => policy.action === action && policy.environment === environment) ??
    policies.find((policy) => policy.action === action && policy.environment === "any") ??
    null
  );
}

export function isGatedAction(action: string): action is GatedAction {
  return (GATED_ACTIONS as readonly string[]).includes(action);
}
