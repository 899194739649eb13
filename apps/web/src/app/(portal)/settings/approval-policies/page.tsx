"use client";
import { useCan } from "../../../../client/session";
import { ApprovalPoliciesEditor } from "../../../../components/approvals/approval-policies-editor";
import { BackLink } from "../../../../components/back-link";
import { PageHeader } from "../../../../components/page-header";

export default function ApprovalPoliciesPage() {
  const mayEdit = useCan("approvals.policies.manage");
  return (
    <>
      <BackLink href="/settings">Settings</BackLink>
      <PageHeader
        title="Approval policies"
        description={`Which actions wait for approval, from whom, and for how long. Every change is audited with before and after.${mayEdit ? "" : " Admins change them."}`}
      />
      <ApprovalPoliciesEditor />
    </>
  );
}
