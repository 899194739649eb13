"use client";
import { Alert, Anchor, Button, Loader, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { PASSWORD_MIN_LENGTH } from "@wheelhouse/shared";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../../../../client/errors";
import { useTRPC } from "../../../../client/trpc";
import { JoinWithAccount } from "../../../../components/users/join-with-account";
import { UnusableLink } from "../../../../components/users/unusable-link";

/** Where an invite link opens: the invitee sets their name and password and lands in the team, signed in. */
export default function InvitePage() {
  const { token } = useParams<{ token: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const info = useQuery({ ...trpc.invites.info.queryOptions({ token }), retry: false });
  const sso = useQuery(trpc.sso.status.queryOptions());
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const accept = useMutation(
    trpc.invites.accept.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace("/");
      },
    }),
  );
  const fieldErrors = (accept.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    accept.mutate({ token, name, password });
  };

  if (info.isPending) return <Loader aria-label="Reading the invite" />;
  if (info.error) return <UnusableLink title="This invite cannot be used" error={info.error} />;
  if (info.data.existingAccount) return <JoinWithAccount token={token} invite={info.data} />;

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Title order={2} fz="h3">
          Join {info.data.team}
        </Title>
        <Text fz="sm">
          You are invited as <strong>{info.data.role}</strong>. Choose your name and a password to join.
        </Text>
        {accept.error && !accept.error.data?.fieldErrors && (
          <Alert color="red" icon={<IconAlertCircle />} role="alert">
            {errorMessage(accept.error)}
          </Alert>
        )}
        <TextInput label="Email" value={info.data.email} readOnly autoComplete="username" />
        <TextInput
          label="Your name"
          autoComplete="name"
          required
          value={name}
          error={fieldErrors.name?.[0]}
          onChange={(e) => setName(e.currentTarget.value)}
          data-autofocus
          autoFocus
        />
        <PasswordInput
          label="Password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
          autoComplete="new-password"
          required
          value={password}
          error={fieldErrors.password?.[0]}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <PasswordInput
          label="Confirm password"
          autoComplete="new-password"
          required
          value={confirm}
          error={mismatch ? "The two passwords differ. Type the same password twice." : undefined}
          onChange={(e) => setConfirm(e.currentTarget.value)}
        />
        <Button type="submit" loading={accept.isPending} fullWidth>
          Join and sign in
        </Button>
        {sso.data?.enabled && (
          // Single sign-on makes the account (in the portal's first team); back here, signed in, they join.
          <Anchor component={Link} href={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`} fz="sm" ta="center">
            Or sign in with {sso.data.label} first, then join
          </Anchor>
        )}
      </Stack>
    </form>
  );
}
