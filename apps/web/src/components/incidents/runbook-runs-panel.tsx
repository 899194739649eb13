"use client";
// The runbooks attached to an incident, each with its steps in order, and a picker to attach
// another. A run keeps the runbook version it was attached with (a later edit does not change it).
import { Alert, Anchor, Badge, Button, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconChecklist, IconPlayerPlay } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type IncidentDetail, isCheckStep, type RunbookRunDto, type StepState } from "@wheelhouse/shared";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { EmptyState } from "../empty-state";
import { RunbookStepView } from "./runbook-step";

const NOT_STARTED = (stepId: string, automatic: boolean): StepState => ({
  stepId,
  outcome: null,
  finding: null,
  output: null,
  by: null,
  automatic,
  at: null,
  hostName: null,
});

function RunView({ incidentId, run }: { incidentId: string; run: RunbookRunDto }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayRun = useCan("runbooks.run");
  // Steps this page is running: a check answers when it has finished (seconds at most).
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const incidentKey = trpc.incidents.get.queryKey({ id: incidentId });
  const refresh = () => queryClient.invalidateQueries({ queryKey: incidentKey });
  // The step's new state is shown as soon as it is answered, before the refetch brings the timeline.
  const remember = (state: StepState) =>
    queryClient.setQueryData(incidentKey, (current) =>
      current
        ? {
            incident: {
              ...current.incident,
              runbooks: current.incident.runbooks.map((other) =>
                other.id === run.id
                  ? { ...other, steps: other.steps.map((s) => (s.stepId === state.stepId ? state : s)) }
                  : other,
              ),
            },
          }
        : current,
    );
  const fail = (error: unknown) =>
    notifications.show({ color: "red", title: "The step did not run", message: errorMessage(error) });
  const runStep = useMutation(trpc.runbooks.runStep.mutationOptions({ onSuccess: remember, onError: fail }));
  const tickStep = useMutation(
    trpc.runbooks.tickStep.mutationOptions({ onSuccess: remember, onError: fail, onSettled: refresh }),
  );

  const run1 = async (stepId: string) => {
    setPending((current) => new Set(current).add(stepId));
    try {
      await runStep.mutateAsync({ runId: run.id, stepId });
    } catch {
      // Shown by the mutation's onError; the next step still runs.
    } finally {
      setPending((current) => {
        const next = new Set(current);
        next.delete(stepId);
        return next;
      });
      await refresh();
    }
  };
  const checks = run.definition.steps.filter(isCheckStep);
  const runAll = async () => {
    // One after another, as the runbook orders them: a later check often reads what an earlier one fixed.
    for (const step of checks) await run1(step.id);
  };

  const states = new Map(run.steps.map((state) => [state.stepId, state]));
  const done = run.steps.filter((state) => state.outcome && state.outcome !== "running" && state.outcome !== "undone");
  return (
    <Paper withBorder radius="lg" p="md" data-testid={`runbook-run-${run.slug}`}>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={3} fz="h5">
              <Anchor component={Link} href={`/runbooks/${encodeURIComponent(run.slug)}`} inherit>
                {run.title}
              </Anchor>
            </Title>
            <Badge size="sm" variant="light" color="gray">
              v{run.version} · {run.origin}
            </Badge>
          </Group>
          <Text fz="xs" c="dimmed">
            {run.attachedBy === "rule" ? "Attached by its rules" : "Attached by hand"} · {done.length} of{" "}
            {run.definition.steps.length} steps done
          </Text>
        </Stack>
        {mayRun && checks.length > 0 && (
          <Button
            size="xs"
            variant="light"
            leftSection={<IconPlayerPlay size={14} />}
            loading={pending.size > 0}
            onClick={runAll}
          >
            Run all checks
          </Button>
        )}
      </Group>
      <Stack gap="xs">
        {run.definition.steps.map((step, index) => (
          <RunbookStepView
            key={step.id}
            index={index}
            step={step}
            state={states.get(step.id) ?? NOT_STARTED(step.id, false)}
            mayRun={mayRun}
            running={pending.has(step.id)}
            onRun={() => void run1(step.id)}
            onTick={(checked) => tickStep.mutateAsync({ runId: run.id, stepId: step.id, done: checked })}
          />
        ))}
      </Stack>
    </Paper>
  );
}

function AttachRunbook({ incident }: { incident: IncidentDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [slug, setSlug] = useState<string | null>(null);
  const list = useQuery(trpc.runbooks.list.queryOptions());
  const attach = useMutation(
    trpc.runbooks.attach.mutationOptions({
      onSuccess: async () => {
        setSlug(null);
        await queryClient.invalidateQueries({ queryKey: trpc.incidents.pathKey() });
      },
    }),
  );
  const attached = new Set(incident.runbooks.map((run) => run.slug));
  const options = (list.data?.runbooks ?? [])
    .filter((runbook) => !attached.has(runbook.slug))
    .map((runbook) => ({ value: runbook.slug, label: runbook.title }));
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end">
        <Select
          label="Attach a runbook"
          placeholder={list.isPending ? "Loading…" : "Search runbooks"}
          searchable
          clearable
          w={360}
          data={options}
          value={slug}
          onChange={setSlug}
          nothingFoundMessage="No runbook matches"
        />
        <Button
          variant="default"
          disabled={!slug}
          loading={attach.isPending}
          onClick={() => slug && attach.mutate({ id: incident.id, slug })}
        >
          Attach
        </Button>
      </Group>
      {attach.error && (
        <Alert color="red" role="alert">
          {errorMessage(attach.error)}
        </Alert>
      )}
    </Stack>
  );
}

export function RunbookRunsPanel({ incident }: { incident: IncidentDetail }) {
  const mayRun = useCan("runbooks.run");
  return (
    <section aria-labelledby="runbooks-heading">
      <Title order={2} fz="h4" mb="sm" id="runbooks-heading">
        Runbooks
      </Title>
      {incident.runbooks.length === 0 ? (
        <EmptyState icon={IconChecklist} title="No runbook attached">
          A runbook is the checklist for this kind of trouble: its checks run on the right host with one click.
          {mayRun ? " Pick one below." : " An operator can attach one."}
        </EmptyState>
      ) : (
        <Stack gap="md">
          {incident.runbooks.map((run) => (
            <RunView key={run.id} incidentId={incident.id} run={run} />
          ))}
        </Stack>
      )}
      {mayRun && (
        <Paper withBorder radius="lg" p="md" mt="md">
          <AttachRunbook incident={incident} />
        </Paper>
      )}
    </section>
  );
}
