"use client";
// Settings → Registries: the team's registry logins (admins add and remove them; everyone else sees
// which registries and user names, never a password) and the deploy-on-push hook.
import { Alert, Anchor, Button, Code, Group, Skeleton, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconKey, IconLock } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { EmptyState } from "../../../../components/empty-state";
import { PageHeader } from "../../../../components/page-header";
import { AddRegistryLoginModal } from "../../../../components/registries/add-registry-login-modal";
import { PushHookCard } from "../../../../components/registries/push-hook-card";
import { RegistryLoginsTable } from "../../../../components/registries/registry-logins-table";

export default function RegistriesPage() {
  const trpc = useTRPC();
  const mayManage = useCan("registries.manage");
  const [adding, { open, close }] = useDisclosure(false);
  const logins = useQuery(trpc.registries.list.queryOptions());
  const rows = logins.data?.logins ?? [];
  const addButton = mayManage && (
    <Button leftSection={<IconKey size={16} />} onClick={open}>
      Add login
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Registries"
        description="Logins to private container registries, sent with each pull from that registry, and the hook that deploys on push."
        actions={
          <Anchor component={Link} href="/settings" fz="sm">
            Back to Settings
          </Anchor>
        }
      />
      <Stack gap="xl">
        <section aria-labelledby="registry-logins-heading">
          <Group justify="space-between" mb="sm" align="flex-end">
            <div>
              <Title order={2} fz="h3" id="registry-logins-heading">
                Registry logins
              </Title>
              <Text fz="sm" c="dimmed">
                One per registry host. Passwords are stored encrypted with the portal's <Code>SECRET_KEY</Code> and
                never shown again.
              </Text>
            </div>
            {rows.length > 0 && addButton}
          </Group>
          {logins.error && (
            <Alert color="red" icon={<IconAlertCircle />} mb="sm">
              {errorMessage(logins.error)}
            </Alert>
          )}
          {logins.isPending ? (
            <Skeleton height={120} radius="lg" />
          ) : rows.length > 0 ? (
            <RegistryLoginsTable logins={rows} mayManage={mayManage} />
          ) : (
            !logins.error && (
              <EmptyState icon={IconLock} title="No registry logins" action={addButton || undefined}>
                Images on public registries pull without a login. For a private one (ghcr.io, your company's registry,
                Docker Hub private repositories), {mayManage ? "add" : "an admin adds"} its host, a user name and a
                password or token here; Wheelhouse hands it to the agent with each pull from that registry, and for that
                pull only. From a terminal: <Code>wheelhouse registries add HOST --username U --password-stdin</Code>
              </EmptyState>
            )
          )}
        </section>
        <PushHookCard />
      </Stack>
      {mayManage && (
        <AddRegistryLoginModal opened={adding} onClose={close} knownHosts={rows.map((login) => login.host)} />
      )}
    </>
  );
}
