"use client";
import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PASSWORD_MIN_LENGTH, ROLE_DESCRIPTIONS, ROLES, type Role } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const EMPTY = { name: "", email: "", password: "", role: "viewer" as Role };

export function AddUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        notifications.show({
          color: "teal",
          title: "User added",
          message: `${form.email} can now sign in as ${form.role}.`,
        });
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        setForm(EMPTY);
        onClose();
      },
    }),
  );
  const fieldErrors = (create.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form);
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add a user" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.error && !create.error.data?.fieldErrors && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {errorMessage(create.error)}
            </Alert>
          )}
          <TextInput
            label="Name"
            required
            value={form.name}
            error={fieldErrors.name?.[0]}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            data-autofocus
          />
          <TextInput
            label="Email"
            type="email"
            required
            value={form.email}
            error={fieldErrors.email?.[0]}
            onChange={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
          <PasswordInput
            label="Initial password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters. Share it with them privately.`}
            required
            autoComplete="new-password"
            value={form.password}
            error={fieldErrors.password?.[0]}
            onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
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
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
