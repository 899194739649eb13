"use client";
import { Badge, Button, Paper, Table, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Invite } from "@wheelhouse/shared";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { ROLE_COLORS } from "../status";

/** Invites not yet used, revoked or expired (admins), each with Revoke. Their links were shown once. */
export function PendingInvites() {
  const mayInvite = useCan("users.invite");
  if (!mayInvite) return null;
  return <PendingInvitesTable />;
}

function PendingInvitesTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.invites.list.queryOptions());
  const revoke = useMutation(
    trpc.invites.revoke.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: "teal", title: "Invite revoked", message: "Its link no longer works." });
        return queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not revoked", message: errorMessage(error) }),
    }),
  );
  const confirmRevoke = (invite: Invite) =>
    modals.openConfirmModal({
      title: `Revoke the invite for ${invite.email}?`,
      children: <Text fz="sm">The link stops working at once. You can invite them again later.</Text>,
      labels: { confirm: "Revoke", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => revoke.mutate({ id: invite.id }),
    });

  const rows = invites.data?.invites ?? [];
  return (
    <section aria-labelledby="invites-heading">
      <Title order={3} fz="h4" id="invites-heading" mt="lg" mb="sm">
        Pending invites
      </Title>
      {invites.error ? (
        <Text c="red">{errorMessage(invites.error)}</Text>
      ) : rows.length === 0 ? (
        <Text c="dimmed" fz="sm">
          No invites are waiting. Invite someone to send them a link that works once, for 7 days.
        </Text>
      ) : (
        <Paper withBorder radius="lg">
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm" aria-label="Pending invites">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Invited by</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((invite) => (
                  <Table.Tr key={invite.id} data-testid={`invite-${invite.email}`}>
                    <Table.Td>{invite.email}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={ROLE_COLORS[invite.role]}>
                        {invite.role}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{invite.createdBy ?? "—"}</Table.Td>
                    <Table.Td>
                      <RelativeTime value={invite.expiresAt} />
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Revoke the invite for ${invite.email}`}
                        onClick={() => confirmRevoke(invite)}
                      >
                        Revoke
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </section>
  );
}
