"use client";
// Going back from the single sign-on settings an admin saved to the environment's OIDC_* (or to no
// single sign-on): without it, saved settings could only be overwritten, never undone. Shown only
// while saved settings are in use.
import { Button, Code, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function ResetSsoSettingsButton() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.sso.reset.mutationOptions({
      onSuccess: (now) => {
        queryClient.setQueryData(trpc.sso.settings.queryKey(), now);
        void queryClient.invalidateQueries({ queryKey: trpc.sso.status.queryKey() });
        notifications.show({
          color: "teal",
          title: "Saved single sign-on settings forgotten",
          message:
            now.source === "off"
              ? "Single sign-on is off; everyone signs in with a password."
              : `The environment's provider (${now.issuerUrl}) applies; everyone may sign in with a password.`,
        });
      },
      onError: (error) =>
        notifications.show({ color: "red", title: "The settings were not reset", message: errorMessage(error) }),
    }),
  );
  const confirm = () =>
    modals.openConfirmModal({
      title: "Use the environment's single sign-on settings?",
      children: (
        <Text fz="sm">
          The provider, secret, domains, group mappings and the password switch saved here are forgotten. The portal's{" "}
          <Code>OIDC_ISSUER_URL</Code>, <Code>OIDC_CLIENT_ID</Code> and <Code>OIDC_CLIENT_SECRET</Code> apply if they
          are set; otherwise single sign-on is off. Everyone may sign in with a password again.
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
