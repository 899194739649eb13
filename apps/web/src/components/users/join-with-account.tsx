"use client";
// The invite page for an email that already has an account (in another team): they join signed in
// as themselves, so their password and second factor stay the only way into that account.
import { Alert, Anchor, Button, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";

/** A long email would be cut off on one line: the label wraps instead, anywhere in the address. */
const WRAPPING_LABEL = {
  label: { whiteSpace: "normal", overflowWrap: "anywhere", textAlign: "center", lineHeight: 1.35 },
} as const;

interface Props {
  token: string;
  invite: { email: string; team: string; role: string };
}

export function JoinWithAccount({ token, invite }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const status = useQuery(trpc.auth.status.queryOptions());
  const join = useMutation(
    trpc.invites.join.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace("/apps");
      },
    }),
  );
  const signedInAs = status.data?.user?.email ?? null;
  const signInHref = `/sign-in?next=${encodeURIComponent(`/invite/${token}`)}&email=${encodeURIComponent(invite.email)}`;

  return (
    <Stack>
      <Title order={2} fz="h3">
        Join {invite.team}
      </Title>
      <Text fz="sm">
        You are invited as <strong>{invite.role}</strong>. <strong>{invite.email}</strong> already has a Wheelhouse
        account, so you join with it: your password and your other teams stay as they are.
      </Text>
      {join.error && (
        <Alert color="red" icon={<IconAlertCircle />} role="alert">
          {errorMessage(join.error)}
        </Alert>
      )}
      {signedInAs === invite.email ? (
        <Button onClick={() => join.mutate({ token })} loading={join.isPending} fullWidth>
          Join {invite.team}
        </Button>
      ) : signedInAs ? (
        <Text fz="sm">
          You are signed in as {signedInAs}. Sign out from the user menu, then sign in as {invite.email} and open this
          link again.
        </Text>
      ) : (
        <Button component={Link} href={signInHref} fullWidth h="auto" mih={36} py={8} styles={WRAPPING_LABEL}>
          Sign in as {invite.email} to join
        </Button>
      )}
      {status.isPending && <Text fz="sm">Checking who is signed in…</Text>}
      <Anchor component={Link} href="/apps" fz="sm">
        Not now
      </Anchor>
    </Stack>
  );
}
