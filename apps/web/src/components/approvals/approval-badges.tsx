import { Badge, Tooltip } from "@mantine/core";
import { IconFlame } from "@tabler/icons-react";
import type { ApprovalStatus } from "@wheelhouse/shared";
import { APPROVAL_STATUS_COLORS } from "../status";
import { APPROVAL_STATUS_LABELS } from "./format";

export function ApprovalStatusBadge({ status, size = "md" }: { status: ApprovalStatus; size?: "sm" | "md" | "lg" }) {
  return (
    <Badge
      variant="dot"
      size={size}
      color={APPROVAL_STATUS_COLORS[status]}
      data-testid="approval-status"
      // Whole words: a narrow column must not cut "Executed" to "Execut…".
      style={{ overflow: "visible", flexShrink: 0 }}
    >
      {APPROVAL_STATUS_LABELS[status]}
    </Badge>
  );
}

/** An admin ran it without waiting for approval: it stands out wherever the request is shown. */
export function BreakGlassBadge({ size = "md" }: { size?: "sm" | "md" | "lg" }) {
  return (
    <Tooltip
      label="An admin ran it without approval, giving a reason; reviewers were told."
      withArrow
      multiline
      w={260}
    >
      <Badge
        color="red"
        variant="filled"
        size={size}
        leftSection={<IconFlame size={12} aria-hidden />}
        data-testid="break-glass"
      >
        Break glass
      </Badge>
    </Tooltip>
  );
}
