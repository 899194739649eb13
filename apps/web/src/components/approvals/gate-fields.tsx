"use client";
// Inside a gated action's dialog: what the team's policy asks (approval from whom), the reason
// reviewers read (required when it waits, or when an admin breaks the glass), an open request that
// already waits, and for admins the "Break glass" choice, which says what it leaves behind.
import { Alert, Anchor, Checkbox, Stack, Textarea } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import Link from "next/link";
import { approvalPath, reviewersLabel } from "./format";
import type { ApprovalGate } from "./use-approval-gate";

export function GateFields({
  gate,
  withReason = true,
  reasonPlaceholder = "What goes wrong, and why this fixes it",
}: {
  gate: ApprovalGate;
  /** False where the dialog has its own reason field (the deploy dialog) bound to gate.reason. */
  withReason?: boolean;
  reasonPlaceholder?: string;
}) {
  const policy = gate.requirement?.policy;
  const pending = gate.requirement?.pending;
  return (
    <Stack gap="sm">
      {gate.required && policy && !gate.breakGlass && (
        <Alert color="yellow" variant="light" icon={<IconShieldCheck />} data-testid="approval-required">
          This needs approval from {reviewersLabel(policy.approvals, policy.reviewerRoles)} other than you. It runs at
          once, as you, when the last approval arrives.
        </Alert>
      )}
      {pending && (
        <Alert color="blue" variant="light" data-testid="approval-pending">
          Request{" "}
          <Anchor component={Link} href={approvalPath(pending)} inherit underline="always">
            #{pending.number}
          </Anchor>{" "}
          for this already waits: review or cancel it before asking again.
        </Alert>
      )}
      {withReason && (
        <Textarea
          label="Reason"
          description={
            gate.reasonRequired
              ? "Required: reviewers read it, and it stays on the request and in the audit log."
              : "Optional; shown in the deployment list and the audit log."
          }
          placeholder={reasonPlaceholder}
          required={gate.reasonRequired}
          autosize
          minRows={2}
          maxLength={500}
          value={gate.reason}
          onChange={(event) => gate.setReason(event.currentTarget.value)}
        />
      )}
      {gate.mayBreakGlass && (
        <Checkbox
          color="red"
          label="Break glass: run it now, without approval"
          description="For emergencies only. A reason is required; the request is flagged, audited, and the reviewers who were skipped are told."
          checked={gate.breakGlass}
          onChange={(event) => gate.setBreakGlass(event.currentTarget.checked)}
        />
      )}
    </Stack>
  );
}
