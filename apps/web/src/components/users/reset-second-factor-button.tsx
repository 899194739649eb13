"use client";
// "Reset 2FA" on a member's row (admins), for someone who lost both their phone and their recovery
// codes: after a confirmation, their authenticator is cleared; they sign in with their password and,
// where their role requires one, set a new one up before anything else.
import { Button, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

export function ResetSecondFactorButton({ member }: { member: { id: string; email: string; name: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.users.resetSecondFactor.mutationOptions({
      onSuccess: () =>
        notifications.show({
          color: "teal",
          title: "Second factor reset",
          message: `${member.email} signs in with their password and sets up a new authenticator.`,
        }),
      onError: (error) => notifications.show({ color: "red", title: "Not reset", message: errorMessage(error) }),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() }),
    }),
  );
  const confirm = () =>
    modals.openConfirmModal({
      title: `Reset ${member.name}'s second factor?`,
      children: (
        <Text fz="sm">
          Only for someone who lost both their phone and their recovery codes: make sure it is really them. Their
          authenticator and recovery codes stop working at once.
        </Text>
      ),
      labels: { confirm: "Reset second factor", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => reset.mutate({ userId: member.id }),
    });
  return (
    <Button
      size="xs"
      variant="subtle"
      color="orange"
      loading={reset.isPending}
      onClick={confirm}
      aria-label={`Reset second factor of ${member.email}`}
    >
      Reset 2FA
    </Button>
  );
}
