"use client";
// One step of a runbook run on an incident. Automatic steps: the check, a Run button, the outcome,
// the finding, what a failure means, and the raw output folded away; manual steps: instructions
// and a checkbox. Each shows who did it, when, and on which host.
import {
  Badge,
  Box,
  Button,
  Checkbox,
  Collapse,
  Group,
  Loader,
  Paper,
  Stack,
  Text,
  UnstyledButton,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconChevronDown, IconChevronRight, IconPlayerPlay } from "@tabler/icons-react";
import { CHECK_TITLES, isCheckStep, type RunbookStep, type StepState } from "@wheelhouse/shared";
import { useEffect, useState } from "react";
import { LOG_SURFACE } from "../../app/theme";
import { RelativeTime } from "../relative-time";
import { Instructions } from "../runbooks/instructions";
import { StepOutcomeBadge } from "./incident-badges";

function Attribution({ state }: { state: StepState }) {
  if (!state.at) return null;
  return (
    <Text fz="xs" c="dimmed" data-testid="step-attribution">
      {state.by ?? "Wheelhouse"}
      {state.automatic ? " (automatically)" : ""} · <RelativeTime value={state.at} />
      {state.hostName ? ` · on ${state.hostName}` : ""}
    </Text>
  );
}

function RawOutput({ output, stepTitle }: { output: string; stepTitle: string }) {
  const [opened, { toggle }] = useDisclosure(false);
  return (
    <Box>
      <UnstyledButton
        onClick={toggle}
        aria-expanded={opened}
        fz="xs"
        c="dimmed"
        aria-label={`Raw output of ${stepTitle}`}
      >
        <Group gap={4}>
          {opened ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
          Raw output
        </Group>
      </UnstyledButton>
      <Collapse expanded={opened}>
        <Box
          component="pre"
          mt={6}
          p="sm"
          ff="monospace"
          fz="xs"
          tabIndex={0}
          style={{
            background: LOG_SURFACE.background,
            color: LOG_SURFACE.text,
            borderRadius: "var(--mantine-radius-md)",
            maxHeight: 320,
            overflow: "auto",
            whiteSpace: "pre-wrap",
            wordBreak: "break-word",
            margin: 0,
          }}
        >
          {output || "(no output)"}
        </Box>
      </Collapse>
    </Box>
  );
}

export function RunbookStepView({
  index,
  step,
  state,
  mayRun,
  running,
  onRun,
  onTick,
}: {
  index: number;
  step: RunbookStep;
  state: StepState;
  mayRun: boolean;
  /** This page asked for the check and waits for its answer. */
  running: boolean;
  onRun: () => void;
  /** Settles once the portal has the tick; rejects when it refused (the parent tells the person). */
  onTick: (done: boolean) => Promise<unknown>;
}) {
  const isRunning = running || state.outcome === "running";
  // A tick shows at once, as the person meant it, until the portal's answer replaces the state
  // (a controlled checkbox would otherwise jump back until the answer arrives).
  const [ticked, setTicked] = useState<boolean | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new state from the portal ends the wait
  useEffect(() => setTicked(null), [state.outcome, state.at]);
  const tick = (done: boolean) => {
    setTicked(done);
    onTick(done).catch(() => setTicked(null));
  };
  return (
    <Paper withBorder radius="md" p="sm" data-testid={`step-${step.id}`} data-outcome={state.outcome ?? "none"}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Group gap="xs" wrap="nowrap" align="flex-start" style={{ flex: 1, minWidth: 0 }}>
            {isCheckStep(step) ? (
              <Text fz="sm" c="dimmed" ff="monospace" w={24}>
                {index + 1}.
              </Text>
            ) : (
              <Checkbox
                mt={2}
                checked={ticked ?? state.outcome === "done"}
                disabled={!mayRun || ticked !== null}
                onChange={(event) => tick(event.currentTarget.checked)}
                aria-label={`Done: ${step.title}`}
              />
            )}
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Group gap="xs">
                <Text fz="sm" fw={600}>
                  {step.title}
                </Text>
                {isCheckStep(step) && (
                  <Badge size="xs" variant="outline" color="gray">
                    {CHECK_TITLES[step.check]}
                  </Badge>
                )}
                {isCheckStep(step) && step.auto && (
                  <Badge size="xs" variant="light" color="indigo">
                    runs by itself
                  </Badge>
                )}
              </Group>
              {step.instructions && <Instructions text={step.instructions} />}
              {isCheckStep(step) && (
                <Text fz="xs" c="dimmed">
                  Pass means: {step.expect}
                </Text>
              )}
            </Stack>
          </Group>
          {isCheckStep(step) && (
            <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
              {isRunning ? (
                <Group gap={6} wrap="nowrap" data-testid="step-running">
                  <Loader size={14} aria-hidden />
                  <Text fz="xs">running…</Text>
                </Group>
              ) : (
                state.outcome && <StepOutcomeBadge outcome={state.outcome} />
              )}
              {mayRun && (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconPlayerPlay size={14} />}
                  disabled={isRunning}
                  onClick={onRun}
                  aria-label={`Run: ${step.title}`}
                >
                  {state.outcome && state.outcome !== "running" ? "Run again" : "Run"}
                </Button>
              )}
            </Group>
          )}
        </Group>
        {state.finding && (
          <Text fz="sm" fw={500} data-testid="step-finding" c={state.outcome === "fail" ? "red" : undefined}>
            {state.finding}
          </Text>
        )}
        {isCheckStep(step) && state.outcome === "fail" && (
          <Text fz="sm" c="dimmed">
            What it means: {step.onFail}
          </Text>
        )}
        <Attribution state={state} />
        {isCheckStep(step) && state.output !== null && <RawOutput output={state.output} stepTitle={step.title} />}
      </Stack>
    </Paper>
  );
}
