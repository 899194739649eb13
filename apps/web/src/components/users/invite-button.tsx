"use client";
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconMailPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ROLE_DESCRIPTIONS, ROLES, type Role } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import { ShownOnceLink } from "./shown-once-link";

const EMPTY = { email: "", role: "viewer" as Role };

/** "Invite" on the members page (admins): email and role, then the single-use link, shown once. */
export function InviteButton() {
  const mayInvite = useCan("users.invite");
  const [opened, { open, close }] = useDisclosure(false);
  if (!mayInvite) return null;
  return (
    <>
      <Button variant="light" leftSection={<IconMailPlus size={16} />} onClick={open}>
        Invite
      </Button>
      {opened && <InviteModal onClose={close} />}
    </>
  );
}

function InviteModal({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const create = useMutation(
    trpc.invites.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.invites.list.queryKey() }),
    }),
  );
  const fieldErrors = (create.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  const created = create.data;
  return (
    <Modal opened onClose={onClose} title={created ? `Invite for ${created.invite.email}` : "Invite someone"} centered>
      {created ? (
        <Stack>
          <ShownOnceLink
            label="Invite link"
            link={created.link}
            note={`Send it to ${created.invite.email} privately. It works once, for 7 days, and lets them set their name and password and join as ${created.invite.role}. It is not shown again.`}
          />
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {create.error && !fieldErrors.email && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              required
              value={form.email}
              error={fieldErrors.email?.[0]}
              onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
              data-autofocus
            />
            <Select
              label="Role"
              description={ROLE_DESCRIPTIONS[form.role]}
              data={ROLES.map((role) => ({ value: role, label: role }))}
              value={form.role}
              allowDeselect={false}
              onChange={(value) => value && setForm({ ...form, role: value as Role })}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create invite link
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
