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
import { GateFields } from "../approvals/gate-fields";
import { useApprovalGate } from "../approvals/use-approval-gate";
import { useApprovalRequested } from "../approvals/use-gated-outcome";
import { ConfirmModal } from "./confirm-modal";

export function MaintenanceSwitch({ app }: { app: App }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayToggle = useCan("apps.maintenance");
  // The state the dialog would switch to, or null while no dialog is open.
  const [confirming, setConfirming] = useState<boolean | null>(null);
  // Asked up front (not only when a dialog opens): the switch itself decides whether to ask first.
  const gate = useApprovalGate(app.name, "apps.maintenance", mayToggle);
  const requested = useApprovalRequested();
  const close = () => {
    gate.reset();
    setConfirming(null);
  };
  const toggle = useMutation(
    trpc.apps.maintenance.mutationOptions({
      onSuccess: async (data, { enabled }) => {
        close();
        if (data.approval) {
          await requested(data.approval);
          return;
        }
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
    // Production asks for the app's name before going dark; a gated switch asks for a reason either way.
    if ((enabled && app.environment === "production") || gate.required) setConfirming(enabled);
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
        opened={confirming !== null}
        title={confirming === false ? `Take ${app.name} out of maintenance?` : `Put ${app.name} into maintenance?`}
        confirmLabel={gate.label(
          confirming === false ? "Turn maintenance off" : "Turn maintenance on",
          "Break glass and switch",
        )}
        color={gate.breakGlass ? "red" : gate.required ? "indigo" : "orange"}
        typeToConfirm={confirming === true && app.environment === "production" ? app.name : undefined}
        loading={toggle.isPending}
        confirmDisabled={!gate.ready}
        onConfirm={() => confirming !== null && toggle.mutate({ name: app.name, enabled: confirming, ...gate.fields })}
        onClose={close}
      >
        <Text fz="sm">
          {confirming === false
            ? `Its domains serve the live release again.`
            : `Every visitor to ${app.domains.length > 0 ? app.domains.join(", ") : "this app"} gets the maintenance page until you turn it off. The instances keep running.`}
        </Text>
        <GateFields gate={gate} />
      </ConfirmModal>
    </>
  );
}
