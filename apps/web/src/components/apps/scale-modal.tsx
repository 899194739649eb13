"use client";
import { Alert, Button, Group, Modal, NumberInput, Stack, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { type App, replicasSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { GateFields } from "../approvals/gate-fields";
import { useApprovalGate } from "../approvals/use-approval-gate";
import { useGatedOutcome } from "../approvals/use-gated-outcome";
import { toNumber } from "./app-form-values";

export function ScaleModal({ app, opened, onClose }: { app: App; opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const outcome = useGatedOutcome();
  const gate = useApprovalGate(app.name, "apps.scale", opened);
  const [replicas, setReplicas] = useState<number | string>(app.replicas);
  const [touched, setTouched] = useState(false);
  const scale = useMutation(
    trpc.apps.scale.mutationOptions({
      onSuccess: async (data) => {
        // A request that waits leaves the page where it is: the dialog closes and the toast links to it.
        if (!data.deployment) close();
        await outcome(data);
      },
    }),
  );
  const check = replicasSchema.safeParse(toNumber(replicas));
  const error = touched && !check.success ? check.error.issues[0]?.message : undefined;
  const close = () => {
    scale.reset();
    setReplicas(app.replicas);
    setTouched(false);
    gate.reset();
    onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (check.success && gate.ready) scale.mutate({ name: app.name, replicas: check.data, ...gate.fields });
  };
  return (
    <Modal opened={opened} onClose={close} title={`Scale ${app.name}`} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm" c="dimmed">
            Runs the live release with this many instances on each of its {app.hosts.length} host
            {app.hosts.length === 1 ? "" : "s"}, health-checked like a deploy.
          </Text>
          {scale.error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {errorMessage(scale.error)}
            </Alert>
          )}
          <NumberInput
            label="Replicas"
            description="Instances per host (1–20)."
            min={1}
            max={20}
            allowDecimal={false}
            allowNegative={false}
            value={replicas}
            error={error}
            onChange={setReplicas}
            onBlur={() => setTouched(true)}
            data-autofocus
          />
          <GateFields gate={gate} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              color={gate.breakGlass ? "red" : undefined}
              loading={scale.isPending}
              disabled={!gate.ready}
            >
              {gate.label("Start scale", "Break glass and scale")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
