"use client";
import { Badge, Button, Group, Paper, Select, Switch, Table, Text, Tooltip } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ROLES, type Role } from "@wheelhouse/shared";
import { errorMessage } from "../../client/errors";
import { useCan, useCurrentUser } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { ROLE_COLORS, STATUS_COLORS } from "../status";
import { ResetLinkButton } from "./reset-link-button";
import { ResetSecondFactorButton } from "./reset-second-factor-button";

export function MembersTable() {
  const trpc = useTRPC();
  const me = useCurrentUser();
  const mayChangeRoles = useCan("users.role.update");
  const mayDisable = useCan("users.disable");
  const mayResetPasswords = useCan("users.password.reset-link");
  const mayResetFactors = useCan("users.second-factor.reset");
  const queryClient = useQueryClient();
  const members = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const fail = (error: unknown) =>
    notifications.show({ color: "red", title: "Not changed", message: errorMessage(error) });
  const setRole = useMutation(
    trpc.users.setRole.mutationOptions({
      onSuccess: (_data, vars) => {
        notifications.show({ color: "teal", title: "Role changed", message: `Now ${vars.role}.` });
        return refresh();
      },
      onError: fail,
    }),
  );
  const setShellGrant = useMutation(
    trpc.users.setShellGrant.mutationOptions({
      onSuccess: (_data, vars) => {
        notifications.show({
          color: "teal",
          title: vars.granted ? "Container shell granted" : "Container shell taken away",
          message: vars.granted
            ? "They can open shells in containers (as operator or above)."
            : "They can no longer open container shells.",
        });
        return refresh();
      },
      onError: fail,
    }),
  );
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: (_data, vars) => {
        notifications.show({
          color: "teal",
          title: vars.disabled ? "User disabled" : "User enabled",
          message: vars.disabled ? "Their sessions have ended." : "They can sign in again.",
        });
        return refresh();
      },
      onError: fail,
    }),
  );

  const remove = useMutation(
    trpc.users.remove.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: "Removed from the team",
          message: "Their account and their other teams stay; their API keys for this team are revoked.",
        });
        return refresh();
      },
      onError: fail,
    }),
  );

  if (members.error) return <Text c="red">{errorMessage(members.error)}</Text>;
  const rows = members.data ?? [];

  const confirmDisable = (member: (typeof rows)[number]) =>
    modals.openConfirmModal({
      title: `Disable ${member.name}?`,
      children: (
        <Text fz="sm">{member.email} is signed out everywhere at once and cannot sign in until enabled again.</Text>
      ),
      labels: { confirm: "Disable", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => setDisabled.mutate({ userId: member.id, disabled: true }),
    });

  const confirmRemove = (member: (typeof rows)[number]) =>
    modals.openConfirmModal({
      title: `Remove ${member.name} from ${me.team.name}?`,
      children: (
        <Text fz="sm">
          {member.email} can no longer open anything of {me.team.name}; their open pages of it close at once and their
          API keys for it are revoked. Their account and any other teams stay.
        </Text>
      ),
      labels: { confirm: "Remove", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => remove.mutate({ userId: member.id }),
    });

  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="sm" aria-label="Team members">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Container shell</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th>Status</Table.Th>
              {mayDisable && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((member) => (
              <Table.Tr key={member.id} data-testid={`member-${member.email}`}>
                <Table.Td fw={500}>
                  {member.name}
                  {member.id === me.id && (
                    <Text span c="dimmed" fz="xs" ml={6}>
                      (you)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{member.email}</Table.Td>
                <Table.Td>
                  {mayChangeRoles ? (
                    <Select
                      aria-label={`Role of ${member.email}`}
                      size="xs"
                      w={130}
                      data={ROLES.map((role) => ({ value: role, label: role }))}
                      value={member.role}
                      allowDeselect={false}
                      onChange={(value) =>
                        value && value !== member.role && setRole.mutate({ userId: member.id, role: value as Role })
                      }
                    />
                  ) : (
                    <Badge variant="light" color={ROLE_COLORS[member.role]}>
                      {member.role}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {mayChangeRoles && member.role !== "admin" ? (
                    <Tooltip
                      label={
                        member.role === "viewer"
                          ? "Takes effect once they are operator or above"
                          : "Opening a shell in a container is its own grant"
                      }
                    >
                      <Switch
                        aria-label={`Container shell for ${member.email}`}
                        checked={member.containerShellGrant}
                        onChange={(event) =>
                          setShellGrant.mutate({ userId: member.id, granted: event.currentTarget.checked })
                        }
                      />
                    </Tooltip>
                  ) : (
                    <Text fz="sm" c={member.containerShellGrant ? undefined : "dimmed"}>
                      {member.role === "admin" ? "yes (admin)" : member.containerShellGrant ? "yes" : "no"}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={member.createdAt} />
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={member.disabled ? STATUS_COLORS.disabled : STATUS_COLORS.success}>
                    {member.disabled ? "Disabled" : "Active"}
                  </Badge>
                </Table.Td>
                {mayDisable && (
                  <Table.Td>
                    <Group justify="flex-end">
                      {mayResetPasswords && !member.disabled && <ResetLinkButton member={member} />}
                      {mayResetFactors && member.secondFactor && member.id !== me.id && (
                        <ResetSecondFactorButton member={member} />
                      )}
                      {member.id !== me.id &&
                        (member.disabled ? (
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => setDisabled.mutate({ userId: member.id, disabled: false })}
                          >
                            Enable
                          </Button>
                        ) : (
                          <Button size="xs" variant="subtle" color="red" onClick={() => confirmDisable(member)}>
                            Disable
                          </Button>
                        ))}
                      {member.id !== me.id && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          // Every row has one: the name says whose, as the reset link's does.
                          aria-label={`Remove ${member.email}`}
                          onClick={() => confirmRemove(member)}
                        >
                          Remove
                        </Button>
                      )}
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
