"use client";
// The app page's header: name, environment, status, and what an operator can do right now.
import { Button, Group, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconArrowsVertical, IconRefresh, IconRocket } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import type { App } from "@wheelhouse/shared";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { GateFields } from "../approvals/gate-fields";
import { useApprovalGate } from "../approvals/use-approval-gate";
import { useGatedOutcome } from "../approvals/use-gated-outcome";
import { AppStatusBadge, EnvironmentBadge } from "./app-status-badge";
import { ConfirmModal } from "./confirm-modal";
import { DeployModal } from "./deploy-modal";
import { MaintenanceSwitch } from "./maintenance-switch";
import { ScaleModal } from "./scale-modal";

export function AppHeader({ app }: { app: App }) {
  const trpc = useTRPC();
  const mayDeploy = useCan("apps.deploy");
  const outcome = useGatedOutcome();
  const [deploying, deployModal] = useDisclosure(false);
  const [scaling, scaleModal] = useDisclosure(false);
  const [restarting, restartModal] = useDisclosure(false);
  const restartGate = useApprovalGate(app.name, "apps.restart", restarting);
  const closeRestart = () => {
    restartGate.reset();
    restartModal.close();
  };
  const restart = useMutation(
    trpc.apps.restart.mutationOptions({
      onSuccess: async (data) => {
        closeRestart();
        await outcome(data);
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "Restart not started", message: errorMessage(error) }),
    }),
  );
  const live = app.liveRelease !== null;
  return (
    <>
      <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="md">
        <Stack gap={6}>
          <Group gap="sm">
            <Title order={1} fz="h2" ff="monospace">
              {app.name}
            </Title>
            <EnvironmentBadge environment={app.environment} />
            <AppStatusBadge status={app.status} size="lg" />
          </Group>
          <Text c="dimmed" fz="sm">
            {app.liveRelease ? (
              <>
                Release #{app.liveRelease.number} live ·{" "}
                <Text span ff="monospace" fz="sm">
                  {app.liveRelease.imageRef}
                </Text>
              </>
            ) : (
              "Not deployed yet"
            )}
            {app.domains.length > 0 && ` · ${app.domains.join(", ")}`}
          </Text>
        </Stack>
        <Group gap="md">
          <MaintenanceSwitch app={app} />
          {mayDeploy && (
            <>
              <Button
                variant="default"
                leftSection={<IconRefresh size={16} />}
                onClick={restartModal.open}
                disabled={!live}
                title={live ? undefined : "Nothing is live to restart"}
              >
                Restart
              </Button>
              <Button
                variant="default"
                leftSection={<IconArrowsVertical size={16} />}
                onClick={scaleModal.open}
                disabled={!live}
                title={live ? undefined : "Nothing is live to scale"}
              >
                Scale
              </Button>
              <Button leftSection={<IconRocket size={16} />} onClick={deployModal.open}>
                Deploy
              </Button>
            </>
          )}
        </Group>
      </Group>
      {mayDeploy && (
        <>
          <DeployModal key={app.image} app={app} opened={deploying} onClose={deployModal.close} />
          <ScaleModal key={app.replicas} app={app} opened={scaling} onClose={scaleModal.close} />
          <ConfirmModal
            opened={restarting}
            title={`Restart ${app.name}?`}
            confirmLabel={restartGate.label("Restart instances", "Break glass and restart")}
            color={restartGate.breakGlass ? "red" : undefined}
            typeToConfirm={app.environment === "production" ? app.name : undefined}
            loading={restart.isPending}
            confirmDisabled={!restartGate.ready}
            onConfirm={() => restart.mutate({ name: app.name, ...restartGate.fields })}
            onClose={closeRestart}
          >
            <Text fz="sm">
              Fresh instances of release #{app.liveRelease?.number} start beside the running ones and take over once
              healthy; then the old ones stop.
            </Text>
            <GateFields gate={restartGate} />
          </ConfirmModal>
        </>
      )}
    </>
  );
}
