import { Badge, Tooltip } from "@mantine/core";
import type { App, Environment } from "@wheelhouse/shared";
import { ENVIRONMENT_COLORS, STATUS_COLORS } from "../status";

type AppStatus = App["status"];

const LABELS: Record<AppStatus, string> = {
  Live: "Live",
  Deploying: "Deploying",
  Failed: "Failed",
  Maintenance: "Maintenance",
  NotDeployed: "Not deployed",
};
const COLORS: Record<AppStatus, string> = {
  Live: STATUS_COLORS.live,
  Deploying: STATUS_COLORS.progress,
  Failed: STATUS_COLORS.failed,
  Maintenance: STATUS_COLORS.maintenance,
  NotDeployed: STATUS_COLORS.idle,
};
const HINTS: Record<AppStatus, string> = {
  Live: "A release is running and passed its health check.",
  Deploying: "A deployment is under way.",
  Failed: "The last deployment failed and nothing is live. Open Deployments to see why.",
  Maintenance: "Visitors get the maintenance page; the instances keep running.",
  NotDeployed: "Created, but never deployed. Deploy it to start instances.",
};

export function AppStatusBadge({ status, size = "md" }: { status: AppStatus; size?: "sm" | "md" | "lg" }) {
  return (
    <Tooltip label={HINTS[status]} multiline w={260} withArrow>
      <Badge variant="dot" size={size} color={COLORS[status]} data-testid="app-status">
        {LABELS[status]}
      </Badge>
    </Tooltip>
  );
}

export function EnvironmentBadge({
  environment,
  size = "md",
}: {
  environment: Environment;
  size?: "sm" | "md" | "lg";
}) {
  return (
    <Badge variant="light" size={size} color={ENVIRONMENT_COLORS[environment]} data-testid="app-environment">
      {environment}
    </Badge>
  );
}
