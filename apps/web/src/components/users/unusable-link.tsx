"use client";
// What an invite or reset link shows when it cannot be used (used, expired, revoked, unknown): the
// portal's sentence and the way to sign-in. One component so both pages say it alike.
import { Alert, Anchor, Stack, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import Link from "next/link";
import { errorMessage } from "../../client/errors";

export function UnusableLink({ title, error }: { title: string; error: unknown }) {
  return (
    <Stack>
      <Title order={2} fz="h3">
        {title}
      </Title>
      <Alert color="red" icon={<IconAlertCircle />} role="alert">
        {errorMessage(error)}
      </Alert>
      <Anchor component={Link} href="/sign-in">
        Go to sign-in
      </Anchor>
    </Stack>
  );
}
