"use client";
import { Alert, Button, Loader, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle, IconCircleCheck } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { PASSWORD_MIN_LENGTH } from "@wheelhouse/shared";
import Link from "next/link";
import { useParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../../../client/errors";
import { useTRPC } from "../../../../client/trpc";
import { UnusableLink } from "../../../../components/users/unusable-link";

/** Where a password reset link opens: a new password, twice; every session of the person then ends. */
export default function ResetPasswordPage() {
  const { token } = useParams<{ token: string }>();
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.passwordReset.info.queryOptions({ token }), retry: false });
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation(trpc.passwordReset.reset.mutationOptions());
  const fieldErrors = (reset.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    reset.mutate({ token, password });
  };

  if (reset.data) {
    return (
      <Stack>
        <Title order={2} fz="h3">
          Password changed
        </Title>
        <Alert color="teal" icon={<IconCircleCheck />} role="status">
          Sign in with your new password. Every earlier session of {reset.data.email} has ended.
        </Alert>
        <Button component={Link} href="/sign-in" fullWidth>
          Sign in
        </Button>
      </Stack>
    );
  }
  if (info.isPending) return <Loader aria-label="Reading the reset link" />;
  if (info.error) return <UnusableLink title="This link cannot be used" error={info.error} />;

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Title order={2} fz="h3">
          Choose a new password
        </Title>
        <Text fz="sm">For {info.data.email}. Once it is set, you are signed out everywhere.</Text>
        {reset.error && !reset.error.data?.fieldErrors && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(reset.error)}
          </Alert>
        )}
        {/* For password managers: which account the new password belongs to. */}
        <input type="hidden" name="username" autoComplete="username" value={info.data.email} readOnly />
        <PasswordInput
          label="New password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          autoComplete="new-password"
          required
          value={password}
          error={fieldErrors.password?.[0]}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-autofocus
          autoFocus
        />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          required
          value={confirm}
          error={mismatch ? "The two passwords differ. Type the same password twice." : undefined}
          onChange={(e) => setConfirm(e.currentTarget.value)}
        />
        <Button type="submit" loading={reset.isPending} fullWidth>
          Set new password
        </Button>
      </Stack>
    </form>
  );
}
