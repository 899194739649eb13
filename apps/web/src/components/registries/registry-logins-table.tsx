"use client";
// The team's registry logins: host, user name, who added it and when. Admins may remove one (after
// a confirmation); everyone else sees the list only. No password is ever sent to the browser.
import { Alert, Button, Code, Group, Paper, Table, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RegistryLoginSummary } from "@wheelhouse/shared";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";

export function RegistryLoginsTable({
  logins,
  mayManage,
}: {
  logins: readonly RegistryLoginSummary[];
  mayManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.registries.remove.mutationOptions({
      onSuccess: ({ host }) => {
        notifications.show({
          color: "teal",
          title: "Registry login removed",
          message: `Pulls from ${host} now go without a login.`,
        });
        return queryClient.invalidateQueries({ queryKey: trpc.registries.list.queryKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not removed", message: errorMessage(error) }),
    }),
  );
  const confirmRemove = (login: RegistryLoginSummary) =>
    modals.openConfirmModal({
      title: `Remove the login for ${login.host}?`,
      children: (
        <Text fz="sm">
          Deploys pulling from <Code>{login.host}</Code> go without a login from now on; a private image there will fail
          to pull until a login is added again.
        </Text>
      ),
      labels: { confirm: "Remove login", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => remove.mutate({ host: login.host }),
    });

  return (
    <Paper withBorder radius="lg">
      {remove.error && (
        <Alert color="red" icon={<IconAlertCircle />} m="sm">
          {errorMessage(remove.error)}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="sm" aria-label="Registry logins">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Registry</Table.Th>
              <Table.Th>User name</Table.Th>
              <Table.Th>Added by</Table.Th>
              <Table.Th>When</Table.Th>
              {mayManage && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {logins.map((login) => (
              <Table.Tr key={login.host} data-testid={`registry-login-${login.host}`}>
                <Table.Td>
                  <Code fz="sm">{login.host}</Code>
                </Table.Td>
                <Table.Td>{login.username}</Table.Td>
                <Table.Td c={login.createdBy ? undefined : "dimmed"}>{login.createdBy ?? "unknown"}</Table.Td>
                <Table.Td>
                  <RelativeTime value={login.createdAt} />
                </Table.Td>
                {mayManage && (
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => confirmRemove(login)}
                        aria-label={`Remove the login for ${login.host}`}
                      >
                        Remove
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
