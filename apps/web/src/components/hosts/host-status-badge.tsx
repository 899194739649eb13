import { Badge, Tooltip } from "@mantine/core";
import type { HostStatus } from "@wheelhouse/shared";
import { HOST_STATUS_COLORS } from "../status";

const LABELS: Record<HostStatus, string> = { online: "Online", lost: "Lost", revoked: "Revoked", pending: "Pending" };
const HINTS: Record<HostStatus, string> = {
  online: "The agent is connected and reported within the last 15 seconds.",
  lost: "No word from the agent for more than 15 seconds. Check that it runs and can reach the portal.",
  revoked: "This host's key was revoked; its agent can no longer connect.",
  pending: "Enrolled, but the agent has not connected yet. Check that it runs on the host and can reach the portal.",
};

export function HostStatusBadge({ status }: { status: HostStatus }) {
  return (
    <Tooltip label={HINTS[status]} multiline w={260} withArrow>
      <Badge variant="dot" color={HOST_STATUS_COLORS[status]} data-testid="host-status">
        {LABELS[status]}
      </Badge>
    </Tooltip>
  );
}
