// The schema's messages for an edited list of approval policies, by row and field, so the editor
// shows each under the field it is about (a duplicate action and environment on the row's action).
import { type ApprovalPolicy, approvalPoliciesSchema } from "@wheelhouse/shared";

/** Messages by field name, and `row` for what concerns the whole policy (a duplicate). */
export type RowErrors = Partial<Record<keyof ApprovalPolicy | "row", string>>;

const POLICY_FIELDS = [
  "action",
  "environment",
  "approvals",
  "reviewerRoles",
  "requestExpirySeconds",
  "approvalValiditySeconds",
] as const satisfies readonly (keyof ApprovalPolicy)[];

function isPolicyField(field: string): field is (typeof POLICY_FIELDS)[number] {
  return (POLICY_FIELDS as readonly string[]).includes(field);
}

/** The schema's messages by row and field; a duplicate (action, environment) lands on its row. */
export function errorsByRow(policies: ApprovalPolicy[]): RowErrors[] {
  const rows: RowErrors[] = policies.map(() => ({}));
  const check = approvalPoliciesSchema.safeParse(policies);
  if (check.success) return rows;
  for (const issue of check.error.issues) {
    const [index, field] = issue.path;
    if (typeof index !== "number" || !rows[index]) continue;
    const key: keyof RowErrors = typeof field === "string" && isPolicyField(field) ? field : "row";
    rows[index][key] ??= issue.message;
  }
  return rows;
}
