"use client";
import { Alert, Button, Group, Loader, SimpleGrid, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconActivityHeartbeat, IconAlertCircle, IconPlus, IconServer2 } from "@tabler/icons-react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { EmptyState } from "../../../components/empty-state";
import { AddHostModal } from "../../../components/hosts/add-host-modal";
import { HostCard } from "../../../components/hosts/host-card";
import { PageHeader } from "../../../components/page-header";
import { RelativeTime } from "../../../components/relative-time";

export default function HostsPage() {
  const trpc = useTRPC();
  const mayAdd = useCan("hosts.create");
  const [adding, { open, close }] = useDisclosure(false);
  // Lost is a matter of time passing, so the list refreshes on its own besides the socket's hints.
  const list = useQuery(trpc.hosts.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const mayPing = useCan("hosts.ping");
  const ping = useMutation(
    trpc.hosts.pingAll.mutationOptions({
      onSuccess: ({ results }) => {
        const answered = results.filter((r) => r.ok);
        const slowest = Math.max(0, ...answered.map((r) => r.ms));
        notifications.show({
          color: answered.length === results.length ? "teal" : "orange",
          title: `${answered.length} of ${results.length} connected hosts answered`,
          message: answered.length > 0 ? `Slowest round trip: ${Math.round(slowest)} ms.` : "No agent is connected.",
        });
      },
      onError: (error) => notifications.show({ color: "red", title: "Ping failed", message: errorMessage(error) }),
    }),
  );
  const addButton = mayAdd && (
    <Button leftSection={<IconPlus size={16} />} onClick={open}>
      Add host
    </Button>
  );
  const actions = (
    <Group gap="sm">
      {mayPing && (list.data?.hosts.length ?? 0) > 0 && (
        <Button
          variant="default"
          leftSection={<IconActivityHeartbeat size={16} />}
          onClick={() => ping.mutate()}
          loading={ping.isPending}
        >
          Ping all
        </Button>
      )}
      {addButton}
    </Group>
  );
  const hosts = list.data?.hosts ?? [];
  const portal = list.data?.portal;
  return (
    <>
      <PageHeader
        title="Hosts"
        description="Docker hosts running the Wheelhouse agent: their status, facts and load."
        actions={actions}
      />
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Loader aria-label="Loading hosts" />
      ) : hosts.length === 0 || !portal ? (
        <EmptyState icon={IconServer2} title="No hosts enrolled" action={addButton || undefined}>
          Each Docker host running the Wheelhouse agent appears here with its status, facts and load.
          {!mayAdd && " Ask an admin to add one."}
        </EmptyState>
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {hosts.map((host) => (
            <HostCard key={host.id} host={host} portal={portal} />
          ))}
        </SimpleGrid>
      )}
      {(list.data?.pendingEnrollments.length ?? 0) > 0 && (
        <Stack gap={4} mt="lg">
          <Text fw={600} fz="sm">
            Waiting for enrolment
          </Text>
          {list.data?.pendingEnrollments.map((pending) => (
            <Group key={pending.id} gap="xs">
              <Text fz="sm">{pending.hostName}</Text>
              <Text fz="xs" c="dimmed">
                token expires <RelativeTime value={pending.expiresAt} />
              </Text>
            </Group>
          ))}
        </Stack>
      )}
      {mayAdd && <AddHostModal opened={adding} onClose={close} />}
    </>
  );
}
