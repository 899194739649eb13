// A team's approval policies (issue 14): one JSON document per team; a team that saved none gets
// DEFAULT_APPROVAL_POLICIES (a production rollback waits for one approver or admin). A change applies
// to requests made after it: each request keeps the policy it was made under (its `policy` snapshot).
import { type ApprovalPolicy, approvalPoliciesSchema, DEFAULT_APPROVAL_POLICIES } from "@wheelhouse/shared";
import type { Db } from "../db/client";

export interface TeamPolicies {
  policies: ApprovalPolicy[];
  /** True while the team has saved none and the defaults apply. */
  defaults: boolean;
}

export async function readPolicies(db: Db, teamId: string): Promise<TeamPolicies> {
  const row = await db.approvalPolicies.findUnique({ where: { teamId } });
  if (!row) return { policies: DEFAULT_APPROVAL_POLICIES.map((policy) => ({ ...policy })), defaults: true };
  // Written only by savePolicies, which parses: a row that does not parse is a bug, and failing
  // loudly beats running every action ungated.
  return { policies: approvalPoliciesSchema.parse(JSON.parse(row.policies)), defaults: false };
}

/** Replaces the team's policies; returns them as they were before, for the audit trail. */
export async function savePolicies(
  db: Db,
  teamId: string,
  policies: ApprovalPolicy[],
  updatedById: string,
): Promise<{ before: TeamPolicies; after: TeamPolicies }> {
  const valid = approvalPoliciesSchema.parse(policies);
  const before = await readPolicies(db, teamId);
  const text = JSON.stringify(valid);
  await db.approvalPolicies.upsert({
    where: { teamId },
    create: { teamId, policies: text, updatedById },
    update: { policies: text, updatedById },
  });
  return { before, after: { policies: valid, defaults: false } };
}
