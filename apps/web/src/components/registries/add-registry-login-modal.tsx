"use client";
// Add a registry login: host, user name and password (masked). Saving one for a host that has one
// replaces it, which the modal says before and the toast confirms after.
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { addRegistryLoginInputSchema } from "@wheelhouse/shared";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const EMPTY = { host: "", username: "", password: "" };
type Field = keyof typeof EMPTY;

export function AddRegistryLoginModal({
  opened,
  onClose,
  knownHosts,
}: {
  opened: boolean;
  onClose: () => void;
  /** The hosts that have a login already: adding one of them replaces it. */
  knownHosts: readonly string[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [submitted, setSubmitted] = useState(false);
  const close = () => {
    setForm(EMPTY);
    setSubmitted(false);
    add.reset();
    onClose();
  };
  const add = useMutation(
    trpc.registries.add.mutationOptions({
      onSuccess: async ({ login, replaced }) => {
        notifications.show({
          color: "teal",
          title: replaced ? "Registry login replaced" : "Registry login saved",
          message: `Deploys pulling from ${login.host} now sign in as ${login.username}.`,
        });
        await queryClient.invalidateQueries({ queryKey: trpc.registries.list.queryKey() });
        close();
      },
    }),
  );
  // The same rules the portal applies, shown before sending; the portal's own answer wins after.
  const check = addRegistryLoginInputSchema.safeParse(form);
  const localErrors: Partial<Record<Field, string>> = {};
  if (!check.success) {
    for (const issue of check.error.issues) {
      const field = issue.path[0];
      if ((field === "host" || field === "username" || field === "password") && !localErrors[field]) {
        localErrors[field] = issue.message;
      }
    }
  }
  const serverErrors = (add.error?.data as { fieldErrors?: Partial<Record<Field, string[]>> } | undefined)?.fieldErrors;
  const fieldError = (field: Field) => (submitted ? (localErrors[field] ?? serverErrors?.[field]?.[0]) : undefined);
  const replacing = check.success && knownHosts.includes(check.data.host);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (check.success) add.mutate(form);
  };
  const set = (field: Field) => (event: { currentTarget: { value: string } }) =>
    setForm({ ...form, [field]: event.currentTarget.value });

  return (
    <Modal opened={opened} onClose={close} title="Add a registry login" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text fz="sm" c="dimmed">
            Wheelhouse sends this login to the host's agent with each pull from this registry, for that pull only. The
            password is stored encrypted and never shown again.
          </Text>
          {add.error && !serverErrors && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert">
              {errorMessage(add.error)}
            </Alert>
          )}
          <TextInput
            label="Registry host"
            description="As image references name it: ghcr.io, registry.example.com:5000, or docker.io for Docker Hub."
            placeholder="ghcr.io"
            required
            autoComplete="off"
            spellCheck={false}
            value={form.host}
            error={fieldError("host")}
            onChange={set("host")}
            data-autofocus
          />
          <TextInput
            label="User name"
            required
            autoComplete="off"
            spellCheck={false}
            value={form.username}
            error={fieldError("username")}
            onChange={set("username")}
          />
          <PasswordInput
            label="Password or access token"
            description="A read-only token is enough: Wheelhouse only pulls."
            required
            autoComplete="new-password"
            value={form.password}
            error={fieldError("password")}
            onChange={set("password")}
          />
          {replacing && (
            <Alert color="orange" icon={<IconAlertCircle />}>
              Your team already has a login for {check.data.host}; saving replaces it.
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={add.isPending}>
              {replacing ? "Replace login" : "Save login"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
