"use client";
// Account → Change password: current, new and confirm. The shared schema checks the fields before
// sending (the server checks them again); the server's sentence is shown when it refuses.
import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { changePasswordInputSchema, PASSWORD_MIN_LENGTH } from "@wheelhouse/shared";
import { type ChangeEvent, type FormEvent, useState } from "react";
import { z } from "zod";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

const EMPTY = { currentPassword: "", newPassword: "", confirm: "" };
type Field = keyof typeof EMPTY;

function signedOutSentence(count: number): string {
  if (count === 0) return "You had no other sessions to sign out.";
  return `${count} other session${count === 1 ? " was" : "s were"} signed out.`;
}

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: async ({ endedSessions }) => {
        notifications.show({
          color: "teal",
          title: "Password changed",
          message: `${signedOutSentence(endedSessions)} Sign in there with the new password. Your API keys keep working.`,
        });
        setForm(EMPTY);
        await queryClient.invalidateQueries({ queryKey: trpc.account.sessions.queryKey() });
      },
    }),
  );

  const set = (field: Field) => (event: ChangeEvent<HTMLInputElement>) => {
    setForm({ ...form, [field]: event.currentTarget.value });
    setErrors({ ...errors, [field]: undefined });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.reset();
    const parsed = changePasswordInputSchema.safeParse({
      currentPassword: form.currentPassword,
      newPassword: form.newPassword,
    });
    const found: Partial<Record<Field, string>> = {};
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      found.currentPassword = fields.currentPassword?.[0];
      found.newPassword = fields.newPassword?.[0];
    }
    if (form.confirm !== form.newPassword) found.confirm = "The two new passwords differ. Type the same one twice.";
    setErrors(found);
    if (parsed.success && !found.confirm) change.mutate(parsed.data);
  };

  return (
    <section aria-labelledby="change-password-heading">
      <Title order={2} fz="h3" id="change-password-heading">
        Change password
      </Title>
      <Text fz="sm" c="dimmed" mb="sm">
        Your other sessions are signed out when you change it; this one stays. API keys are not affected: revoke them
        below if they may be compromised.
      </Text>
      <Paper withBorder radius="lg" p="lg" maw={520}>
        <form onSubmit={submit} noValidate aria-label="Change password">
          <Stack>
            {change.error && (
              <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Password not changed">
                {errorMessage(change.error)}
              </Alert>
            )}
            <PasswordInput
              label="Current password"
              required
              autoComplete="current-password"
              value={form.currentPassword}
              error={errors.currentPassword}
              onChange={set("currentPassword")}
            />
            <PasswordInput
              label="New password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters, different from the current one.`}
              required
              autoComplete="new-password"
              value={form.newPassword}
              error={errors.newPassword}
              onChange={set("newPassword")}
            />
            <PasswordInput
              label="Confirm new password"
              required
              autoComplete="new-password"
              value={form.confirm}
              error={errors.confirm}
              onChange={set("confirm")}
            />
            <Group justify="flex-end">
              <Button type="submit" loading={change.isPending}>
                Change password
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </section>
  );
}
