import { Badge } from "@mantine/core";
import type { DeploymentStatus, InstanceStatus } from "@wheelhouse/shared";
import { DEPLOYMENT_STATUS_COLORS, INSTANCE_STATUS_COLORS } from "../status";

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    <Badge variant="dot" color={DEPLOYMENT_STATUS_COLORS[status]} data-testid="deployment-status">
      {status}
    </Badge>
  );
}

export function InstanceStatusBadge({ status }: { status: InstanceStatus }) {
  return (
    <Badge variant="dot" color={INSTANCE_STATUS_COLORS[status]}>
      {status}
    </Badge>
  );
}
