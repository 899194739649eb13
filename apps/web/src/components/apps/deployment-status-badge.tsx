import { Badge } from "@mantine/core";
import type { AppDetail, DeploymentStatus } from "@wheelhouse/shared";
import { STATUS_COLORS } from "../status";

type InstanceStatus = AppDetail["instances"][number]["status"];

export const DEPLOYMENT_STATUS_COLORS: Record<DeploymentStatus, string> = {
  Queued: STATUS_COLORS.pending,
  Pulling: STATUS_COLORS.progress,
  Starting: STATUS_COLORS.progress,
  HealthChecking: STATUS_COLORS.progress,
  Live: STATUS_COLORS.live,
  Failed: STATUS_COLORS.failed,
  Superseded: STATUS_COLORS.idle,
};

const INSTANCE_COLORS: Record<InstanceStatus, string> = {
  Starting: STATUS_COLORS.progress,
  Healthy: STATUS_COLORS.healthy,
  Unhealthy: STATUS_COLORS.unhealthy,
  Stopped: STATUS_COLORS.idle,
  Failed: STATUS_COLORS.failed,
};

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  return (
    <Badge variant="dot" color={DEPLOYMENT_STATUS_COLORS[status]} data-testid="deployment-status">
      {status}
    </Badge>
  );
}

export function InstanceStatusBadge({ status }: { status: InstanceStatus }) {
  return (
    <Badge variant="dot" color={INSTANCE_COLORS[status]}>
      {status}
    </Badge>
  );
}
