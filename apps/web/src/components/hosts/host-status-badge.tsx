import { Badge, Tooltip } from "@mantine/core";
import { STATUS_COLORS } from "../status";

const LABELS = { online: "Online", lost: "Lost", revoked: "Revoked", pending: "Pending" } as const;
const HINTS = {
  online: "The agent is connected and reported within the last 15 seconds.",
  lost: "No word from the agent for more than 15 seconds. Check that it runs and can reach the portal.",
  revoked: "This host's key was revoked; its agent can no longer connect.",
  pending: "Enrolled, but the agent has not connected yet. Run `wheelhouse-agent run` on the host.",
} as const;

export type HostStatusName = keyof typeof LABELS;

export function HostStatusBadge({ status }: { status: HostStatusName }) {
  return (
    <Tooltip label={HINTS[status]} multiline w={260} withArrow>
      <Badge variant="dot" color={STATUS_COLORS[status]} data-testid="host-status">
        {LABELS[status]}
      </Badge>
    </Tooltip>
  );
}
