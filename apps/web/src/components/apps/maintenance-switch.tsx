"use client";
// Maintenance on: the hosts' nginx serves the maintenance page instead of the app, at once.
import { Switch, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { App } from "@wheelhouse/shared";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { ConfirmModal } from "./confirm-modal";

export function MaintenanceSwitch({ app }: { app: App }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayToggle = useCan("apps.maintenance");
  const [confirming, setConfirming] = useState(false);
  const toggle = useMutation(
    trpc.apps.maintenance.mutationOptions({
      onSuccess: (_data, { enabled }) => {
        setConfirming(false);
        notifications.show({
          color: enabled ? "orange" : "teal",
          title: enabled ? `${app.name} is in maintenance` : `${app.name} is serving again`,
          message: enabled
            ? "Visitors get the maintenance page. Turn the switch off to serve the app again."
            : "Its domains serve the live release again.",
        });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "Maintenance not changed", message: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() }),
    }),
  );
  const set = (enabled: boolean) => {
    if (enabled && app.environment === "production") setConfirming(true);
    else toggle.mutate({ name: app.name, enabled });
  };
  return (
    <>
      <Tooltip
        label={mayToggle ? "Serve a maintenance page on the app's domains" : "Operators may switch maintenance"}
        withArrow
      >
        <div>
          <Switch
            label="Maintenance"
            color="orange"
            checked={app.maintenance}
            disabled={!mayToggle || toggle.isPending}
            onChange={(e) => set(e.currentTarget.checked)}
          />
        </div>
      </Tooltip>
      <ConfirmModal
        opened={confirming}
        title={`Put ${app.name} into maintenance?`}
        confirmLabel="Turn maintenance on"
        color="orange"
        typeToConfirm={app.name}
        loading={toggle.isPending}
        onConfirm={() => toggle.mutate({ name: app.name, enabled: true })}
        onClose={() => setConfirming(false)}
      >
        <Text fz="sm">
          Every visitor to {app.domains.length > 0 ? app.domains.join(", ") : "this production app"} gets the
          maintenance page until you turn it off. The instances keep running.
        </Text>
      </ConfirmModal>
    </>
  );
}
