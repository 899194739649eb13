"use client";
// Queued → Pulling → Starting → HealthChecking → Live (or Failed): each step with its time and duration.
import { Box, Loader, Stack, Text, ThemeIcon, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconArrowBarUp, IconCheck, IconMinus, IconX } from "@tabler/icons-react";
import type { Deployment } from "@wheelhouse/shared";
import { STATUS_COLORS } from "../status";
import { deploymentSteps, type Step, type StepState } from "./deployment-steps";
import { formatDuration, isFinished } from "./format";
import { useNow } from "./use-now";

const STATE_WORDS: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  failed: "failed here",
  skipped: "not reached",
  todo: "waiting",
  "final-failed": "failed",
  "final-other": "replaced by a newer deployment",
};

function StepIcon({ step }: { step: Step }) {
  switch (step.state) {
    case "done":
      return (
        <ThemeIcon radius="xl" size={32} color={STATUS_COLORS.live}>
          <IconCheck size={18} />
        </ThemeIcon>
      );
    case "current":
      return (
        <ThemeIcon radius="xl" size={32} color={STATUS_COLORS.progress} variant="light">
          <Loader size={16} color={STATUS_COLORS.progress} />
        </ThemeIcon>
      );
    case "failed":
    case "final-failed":
      return (
        <ThemeIcon radius="xl" size={32} color={STATUS_COLORS.failed}>
          <IconX size={18} />
        </ThemeIcon>
      );
    case "final-other":
      return (
        <ThemeIcon radius="xl" size={32} color={STATUS_COLORS.idle} variant="light">
          <IconArrowBarUp size={18} />
        </ThemeIcon>
      );
    default:
      return (
        <ThemeIcon radius="xl" size={32} color="gray" variant="outline" style={{ opacity: 0.6 }}>
          {step.state === "skipped" ? <IconMinus size={16} /> : null}
        </ThemeIcon>
      );
  }
}

export function DeploymentStepper({ deployment }: { deployment: Deployment }) {
  const now = useNow(!isFinished(deployment));
  const steps = deploymentSteps(deployment, now);
  return (
    <Box
      component="ol"
      aria-label="Deployment progress"
      data-testid="deployment-stepper"
      p={0}
      m={0}
      style={{
        listStyle: "none",
        display: "grid",
        gridTemplateColumns: "repeat(auto-fit, minmax(130px, 1fr))",
        gap: "var(--mantine-spacing-md)",
      }}
    >
      {steps.map((step) => {
        const dim = step.state === "todo" || step.state === "skipped";
        const red = step.state === "failed" || step.state === "final-failed";
        return (
          <li
            key={step.status}
            aria-current={step.state === "current" ? "step" : undefined}
            data-state={step.state}
            data-testid={`step-${step.status}`}
          >
            <Stack gap={4} align="flex-start">
              <StepIcon step={step} />
              <Text fw={600} fz="sm" c={red ? "red" : dim ? "dimmed" : undefined}>
                {step.status}
                <VisuallyHidden>: {STATE_WORDS[step.state]}</VisuallyHidden>
              </Text>
              {step.at ? (
                <Tooltip label={new Date(step.at).toLocaleString()} withArrow>
                  <Text fz="xs" c="dimmed" component="time" dateTime={step.at}>
                    {new Date(step.at).toLocaleTimeString()}
                  </Text>
                </Tooltip>
              ) : (
                <Text fz="xs" c="dimmed">
                  {step.state === "skipped" ? "not reached" : "—"}
                </Text>
              )}
              {step.durationMs !== null && (
                <Text fz="xs" c={step.state === "current" ? "blue" : "dimmed"}>
                  {step.state === "current" ? "for " : "took "}
                  {formatDuration(step.durationMs)}
                </Text>
              )}
            </Stack>
          </li>
        );
      })}
    </Box>
  );
}
