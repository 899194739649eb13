import { Badge, Tooltip } from "@mantine/core";
import { type IncidentStatus, SEVERITY_DESCRIPTIONS, type Severity, type StepOutcome } from "@wheelhouse/shared";
import { INCIDENT_STATUS_COLORS, SEVERITY_COLORS, STEP_OUTCOME_COLORS } from "../status";

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Tooltip label={SEVERITY_DESCRIPTIONS[severity]} withArrow>
      <Badge variant="light" color={SEVERITY_COLORS[severity]} data-testid="incident-severity">
        {severity}
      </Badge>
    </Tooltip>
  );
}

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  return (
    <Badge variant="dot" color={INCIDENT_STATUS_COLORS[status]} data-testid="incident-status">
      {status}
    </Badge>
  );
}

const OUTCOME_LABELS: Record<StepOutcome, string> = {
  running: "running",
  pass: "pass",
  fail: "fail",
  error: "error",
  done: "done",
  undone: "not done",
};

export function StepOutcomeBadge({ outcome }: { outcome: StepOutcome }) {
  return (
    <Badge variant="light" color={STEP_OUTCOME_COLORS[outcome]} data-testid="step-outcome">
      {OUTCOME_LABELS[outcome]}
    </Badge>
  );
}
