"use client";
// Account → Sessions: where this person is signed in (device, address, last used), this one
// marked, and an End button on each. Ending this one signs out here.
import { Alert, Badge, Button, Group, Paper, Table, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { OwnSession } from "@wheelhouse/shared";
import { useRouter } from "next/navigation";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";

export function SessionsSection() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.queryOptions(undefined, { refetchInterval: 60_000 }));
  const end = useMutation(
    trpc.account.endSession.mutationOptions({
      onSuccess: ({ signedOut }) => {
        if (signedOut) {
          queryClient.clear();
          router.replace("/sign-in");
          return;
        }
        notifications.show({
          color: "teal",
          title: "Session ended",
          message: "That device is signed out and its open pages go to the sign-in page.",
        });
        return queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not ended", message: errorMessage(error) }),
    }),
  );
  const rows = sessions.data?.sessions ?? [];
  const confirmEnd = (session: OwnSession) =>
    modals.openConfirmModal({
      title: session.current ? "Sign out of this session?" : `End the session on ${session.device}?`,
      children: (
        <Text fz="sm">
          {session.current
            ? "You will be signed out here and taken to the sign-in page."
            : "That device is signed out at once; whoever uses it must sign in again."}
        </Text>
      ),
      labels: { confirm: session.current ? "Sign out" : "End session", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => end.mutate({ id: session.id }),
    });

  return (
    <section aria-labelledby="sessions-heading">
      <Title order={2} fz="h3" id="sessions-heading">
        Sessions
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        Where you are signed in. End any you do not recognise, then change your password.
      </Text>
      {sessions.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="sm">
          {errorMessage(sessions.error)}
        </Alert>
      )}
      <Paper withBorder radius="lg">
        <Table.ScrollContainer minWidth={620}>
          <Table verticalSpacing="sm" aria-label="Sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((session) => (
                <Table.Tr key={session.id} data-testid={`session-${session.id}`}>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Text fz="sm" fw={500}>
                        {session.device}
                      </Text>
                      {session.current && (
                        <Badge variant="light" color="teal">
                          This session
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" ff="monospace">
                      {session.address ?? "unknown"}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={session.lastUsedAt} />
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={session.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Group justify="flex-end">
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => confirmEnd(session)}
                        aria-label={
                          session.current ? "End this session (sign out)" : `End the session on ${session.device}`
                        }
                      >
                        End
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </section>
  );
}
