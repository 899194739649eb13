"use client";
import { Alert, Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconServer2 } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { PortalInfo } from "@wheelhouse/shared";
import Link from "next/link";
import { errorMessage } from "../../client/errors";
import { useCan } from "../../client/session";
import { useTRPC } from "../../client/trpc";
import type { AppRouter } from "../../server/trpc/root-router";
import { RelativeTime } from "../relative-time";
import { AgentVersionBadge, UpgradeAgentAlert } from "./agent-version";
import { formatBytes } from "./format";
import { HostStatusBadge } from "./host-status-badge";
import { KeyConflictAlert } from "./key-conflict-alert";
import { UsageChart } from "./usage-chart";

type Host = inferRouterOutputs<AppRouter>["hosts"]["list"]["hosts"][number];

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text fz="xs" c="dimmed">
        {label}
      </Text>
      <Text fz="sm" lineClamp={1} title={value}>
        {value}
      </Text>
    </div>
  );
}

export function HostCard({ host, portal }: { host: Host; portal: PortalInfo }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mayRevoke = useCan("hosts.revoke");
  const samples = useQuery(
    trpc.hosts.samples.queryOptions(
      { hostId: host.id },
      { enabled: host.status !== "revoked", refetchInterval: 10_000 },
    ),
  );
  const revoke = useMutation(
    trpc.hosts.revoke.mutationOptions({
      onSuccess: () => {
        notifications.show({
          color: "teal",
          title: `${host.name} revoked`,
          message: "Its agent was disconnected and its key no longer works.",
        });
        return queryClient.invalidateQueries({ queryKey: trpc.hosts.pathKey() });
      },
      onError: (error) => notifications.show({ color: "red", title: "Not revoked", message: errorMessage(error) }),
    }),
  );
  const confirmRevoke = () =>
    modals.openConfirmModal({
      title: `Revoke ${host.name}?`,
      children: (
        <Text fz="sm">
          The agent is disconnected at once and its key stops working. To use this host again, enrol it anew.
        </Text>
      ),
      labels: { confirm: "Revoke", cancel: "Cancel" },
      confirmProps: { color: "red" },
      onConfirm: () => revoke.mutate({ hostId: host.id }),
    });
  const facts = host.facts;
  return (
    <Card withBorder radius="lg" padding="lg" data-testid={`host-${host.name}`}>
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <Group gap="sm" wrap="nowrap">
          <IconServer2 size={22} stroke={1.5} aria-hidden />
          <Title order={2} fz="h4">
            <Anchor component={Link} href={`/hosts/${host.id}`} inherit>
              {host.name}
            </Anchor>
          </Title>
          <HostStatusBadge status={host.status} />
        </Group>
        {mayRevoke && host.status !== "revoked" && (
          <Button size="xs" variant="subtle" color="red" onClick={confirmRevoke} loading={revoke.isPending}>
            Revoke
          </Button>
        )}
      </Group>
      <Stack gap="sm">
        <Group gap="xs">
          <AgentVersionBadge host={host} portalVersion={portal.version} />
        </Group>
        {host.keyConflict && <KeyConflictAlert conflict={host.keyConflict} />}
        {host.agentVersionStatus === "older" && host.status !== "revoked" && (
          <UpgradeAgentAlert host={host} portal={portal} />
        )}
        {host.dockerError && host.status !== "revoked" && (
          <Alert color="orange" icon={<IconAlertTriangle size={18} />} p="xs" title="Docker engine not reachable">
            <Text fz="xs">{host.dockerError}</Text>
          </Alert>
        )}
        {facts && (
          <SimpleGrid cols={{ base: 2, xl: 4 }} spacing="xs">
            <Fact label="Hostname" value={facts.hostname} />
            <Fact label="OS" value={facts.os} />
            <Fact label="Kernel" value={`${facts.kernel} (${facts.arch})`} />
            <Fact label="Docker" value={facts.dockerVersion ?? "not reachable"} />
            <Fact label="CPUs" value={String(facts.cpus)} />
            <Fact label="Memory" value={formatBytes(facts.memoryBytes)} />
            <Fact label="Disk" value={formatBytes(facts.diskBytes)} />
          </SimpleGrid>
        )}
        {host.status !== "revoked" && <UsageChart points={samples.data ?? []} />}
        {host.status !== "revoked" && (
          <Anchor component={Link} href={`/hosts/${host.id}`} fz="sm">
            Containers and images →
          </Anchor>
        )}
        <Text fz="xs" c="dimmed">
          {host.lastSeenAt ? (
            <>
              Last seen <RelativeTime value={host.lastSeenAt} />
            </>
          ) : (
            "Never connected"
          )}
          {host.revokedAt && (
            <>
              {" · "}revoked <RelativeTime value={host.revokedAt} />
            </>
          )}
        </Text>
      </Stack>
    </Card>
  );
}
