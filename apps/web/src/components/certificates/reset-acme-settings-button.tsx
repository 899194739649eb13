"use client";
// Going back from the ACME settings an admin saved to the environment's defaults
// (ACME_DIRECTORY_URL, ACME_CA_BUNDLE, ACME_EMAIL): without it, a saved directory could only be
// overwritten, never undone. Shown only while saved settings are in use.
import { Button, Code, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { directoryLabel } from "./format";

export function ResetAcmeSettingsButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.certificates.resetAcmeSettings.mutationOptions({
      onSuccess: (now) => {
        queryClient.setQueryData(trpc.certificates.acmeSettings.queryKey(), now);
        notifications.show({
          color: "teal",
          title: "Back to the environment's ACME settings",
          message: `New orders and renewals go to ${directoryLabel(now.directoryUrl)}.`,
        });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "The ACME settings were not reset", message: errorMessage(error) }),
    }),
  );
  const confirm = () =>
    modals.openConfirmModal({
      title: "Use the environment's ACME settings?",
      children: (
        <Text fz="sm">
          The directory, CA bundle and contact saved here are forgotten; the portal's <Code>ACME_DIRECTORY_URL</Code>,{" "}
          <Code>ACME_CA_BUNDLE</Code> and <Code>ACME_EMAIL</Code> apply to new orders and renewals. Certificates already
          issued stay until they are renewed.
        </Text>
      ),
      labels: { confirm: "Use the environment's settings", cancel: "Cancel" },
      confirmProps: { color: "orange" },
      onConfirm: () => reset.mutate({}),
    });
  return (
    <Button variant="default" onClick={confirm} loading={reset.isPending}>
      Use the environment's settings
    </Button>
  );
}
