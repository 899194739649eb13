"use client";
// The header's team switcher (issue 16): the teams one belongs to, with one's role in each, and for
// admins "Create a team". Switching reloads the portal in the other team, so no page, cache or
// socket of the old team outlives the switch.
import { Alert, Badge, Button, Group, Menu, Modal, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconPlus, IconSelector, IconUsersGroup } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan, useCurrentUser } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { ROLE_COLORS } from "../status";

const BARE_FIELDSET = { border: 0, margin: 0, padding: 0, minWidth: 0 } as const;

/** A full load of the apps list: the page open now may show an object of the old team. */
function reloadInNewTeam() {
  window.location.assign("/apps");
}

export function TeamSwitcher() {
  const user = useCurrentUser();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canCreate = useCan("teams.create");
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const teams = useQuery(trpc.teams.mine.queryOptions());
  const labelId = useId();
  const switchTeam = useMutation(
    trpc.teams.switch.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        reloadInNewTeam();
      },
      // The menu closes on the click, so the sentence goes in a toast, where it stays readable.
      onError: (error) => notifications.show({ color: "red", title: "Not switched", message: errorMessage(error) }),
    }),
  );
  const others = (teams.data?.teams ?? []).filter((team) => !team.current);
  // One team and nothing to create: no switcher, the user menu already names the team.
  if (others.length === 0 && !canCreate) return null;

  return (
    <>
      {/* No focus placeholder: Mantine's is a role=presentation child, which a menu may not hold (axe). */}
      <Menu position="bottom-end" width={260} withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          <UnstyledButton data-testid="team-switcher" aria-label={`Team: ${user.team.name}. Switch team`}>
            <Group gap={6} wrap="nowrap">
              <IconUsersGroup size={18} aria-hidden />
              <Text fz="sm" fw={600} truncate maw={160}>
                {user.team.name}
              </Text>
              <IconSelector size={14} aria-hidden />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          {/* A menu may hold only items, groups and separators: a fieldset is a group, named by the label. */}
          <fieldset aria-labelledby={labelId} style={BARE_FIELDSET}>
            <Menu.Label id={labelId}>Your teams</Menu.Label>
            {(teams.data?.teams ?? []).map((team) => (
              <Menu.Item
                key={team.id}
                // Not disabled: a greyed-out current team reads as one you cannot use. Choosing it closes the menu.
                disabled={switchTeam.isPending}
                // Read out as "current"; an icon's label alone is not announced by every screen reader.
                aria-current={team.current ? "true" : undefined}
                onClick={team.current ? undefined : () => switchTeam.mutate({ teamId: team.id })}
                leftSection={
                  team.current ? <IconCheck size={16} aria-hidden /> : <span style={{ width: 16 }} aria-hidden />
                }
                rightSection={
                  <Badge size="xs" variant="light" color={ROLE_COLORS[team.role]}>
                    {team.role}
                  </Badge>
                }
              >
                <Text span fz="sm" fw={team.current ? 600 : undefined}>
                  {team.name}
                </Text>
              </Menu.Item>
            ))}
          </fieldset>
          {canCreate && (
            <>
              <Menu.Divider role="separator" />
              <Menu.Item leftSection={<IconPlus size={16} aria-hidden />} onClick={openCreate}>
                Create a team
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <CreateTeamModal opened={creating} onClose={closeCreate} />
    </>
  );
}

function CreateTeamModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const switchTeam = useMutation(
    trpc.teams.switch.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        reloadInNewTeam();
      },
    }),
  );
  const create = useMutation(
    trpc.teams.create.mutationOptions({
      // The creator is its admin; they go there at once to invite people and enrol hosts.
      onSuccess: (team) => switchTeam.mutate({ teamId: team.id }),
    }),
  );
  const fieldError = (create.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors
    ?.name?.[0];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };
  const error = create.error && !fieldError ? create.error : switchTeam.error;
  // Opened again, the dialog starts empty rather than with the last attempt's name and sentence.
  const close = () => {
    setName("");
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create a team">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm">
            A team has its own apps, hosts, incidents, audit log and API keys. You become its admin and can invite
            people to it.
          </Text>
          {error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          <TextInput
            label="Team name"
            required
            value={name}
            error={fieldError}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || switchTeam.isPending}>
              Create and switch
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
