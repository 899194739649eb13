"use client";
import { Alert, Button, Code, Loader, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconApps, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { AppsTable } from "../../../components/apps/apps-table";
import { CreateAppModal } from "../../../components/apps/create-app-modal";
import { isFinished } from "../../../components/apps/format";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

export default function AppsPage() {
  const trpc = useTRPC();
  const mayCreate = useCan("apps.create");
  const [creating, { open, close }] = useDisclosure(false);
  // Socket hints refresh the list; polling is the fallback while a deployment is under way.
  const list = useQuery(
    trpc.apps.list.queryOptions(undefined, {
      refetchInterval: (query) =>
        query.state.data?.apps.some((app) => app.lastDeployment && !isFinished(app.lastDeployment)) ? 2_000 : false,
    }),
  );
  const apps = list.data?.apps ?? [];
  const newButton = mayCreate && (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      New app
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Apps"
        description="The services your team runs: what is live, where, and how the last deployment went."
        actions={apps.length > 0 ? newButton : undefined}
      />
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Loader aria-label="Loading apps" />
      ) : apps.length === 0 && !list.error ? (
        <EmptyState icon={IconApps} title="No apps yet" action={newButton || undefined}>
          An app is a service your team runs from a Docker image: its port, health check, domains, environment and the
          hosts it runs on. Every deploy makes a numbered release you can roll back to.
          <Text component="span" display="block" mt="xs" fz="sm" c="dimmed">
            {mayCreate ? "Create one here, or from a terminal: " : "Ask an operator to create one, e.g. with "}
            <Code>wheelhouse apps create NAME --image IMG --port N</Code>
          </Text>
        </EmptyState>
      ) : (
        <AppsTable apps={apps} />
      )}
      {mayCreate && <CreateAppModal opened={creating} onClose={close} />}
    </>
  );
}
