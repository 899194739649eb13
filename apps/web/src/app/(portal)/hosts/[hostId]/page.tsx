"use client";
import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Tabs, Text } from "@mantine/core";
import { IconAlertTriangle, IconFileText, IconPlugConnectedX, IconTerminal2 } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { BackLink } from "../../../../components/back-link";
import { AgentVersionBadge, UpgradeAgentAlert } from "../../../../components/hosts/agent-version";
import { ContainersTable } from "../../../../components/hosts/containers-table";
import { formatBytes } from "../../../../components/hosts/format";
import { KeyConflictAlert } from "../../../../components/hosts/key-conflict-alert";
import { PageHeader } from "../../../../components/page-header";
import { RelativeTime } from "../../../../components/relative-time";

export default function HostPage() {
  const { hostId } = useParams<{ hostId: string }>();
  const trpc = useTRPC();
  const inventory = useQuery(trpc.containers.list.queryOptions({ hostId }, { refetchInterval: 5_000 }));
  const data = inventory.data;
  const host = useQuery(trpc.hosts.get.queryOptions({ hostId }, { refetchInterval: 5_000 }));
  const keyConflict = host.data?.keyConflict;
  // The portal's version and PUBLIC_URL, for the agent's version badge and its upgrade line.
  const portal = useQuery(trpc.hosts.list.queryOptions()).data?.portal;
  const mayReadLogs = useCan("logs.read");
  const mayHostShell = useCan("hosts.shell");
  return (
    <>
      <BackLink href="/hosts">Hosts</BackLink>
      <PageHeader
        title={data?.host.name ?? "Host"}
        description="Every container and image on this host, kept current from the Docker engine's events."
        actions={
          <Group gap="xs">
            {mayReadLogs && (
              <Button
                component={Link}
                href={`/hosts/${encodeURIComponent(hostId)}/agent-logs`}
                variant="default"
                leftSection={<IconFileText size={16} />}
              >
                Agent log
              </Button>
            )}
            {mayHostShell && data?.connected && (
              <Button
                component={Link}
                href={`/terminal?host=${encodeURIComponent(hostId)}&kind=host`}
                variant="default"
                color="red"
                leftSection={<IconTerminal2 size={16} />}
              >
                Host shell
              </Button>
            )}
          </Group>
        }
      />
      {inventory.error && <Alert color="red">{errorMessage(inventory.error)}</Alert>}
      {inventory.isPending && <Loader aria-label="Loading inventory" />}
      {data && (
        <Stack>
          {host.data && portal && (
            <Group gap="xs">
              <AgentVersionBadge host={host.data} portalVersion={portal.version} />
            </Group>
          )}
          {keyConflict && <KeyConflictAlert conflict={keyConflict} />}
          {host.data && portal && host.data.agentVersionStatus === "older" && host.data.status !== "revoked" && (
            <UpgradeAgentAlert host={host.data} portal={portal} />
          )}
          {!data.connected && (
            <Alert color="gray" icon={<IconPlugConnectedX size={18} />} title="Agent not connected">
              This is what the agent last reported{data.syncedAt ? "" : " (nothing yet)"}; actions need the agent
              online.
            </Alert>
          )}
          {data.dockerError && (
            <Alert color="orange" icon={<IconAlertTriangle size={18} />} title="Docker engine not reachable">
              {data.dockerError}
            </Alert>
          )}
          {data.syncedAt && (
            <Text fz="xs" c="dimmed">
              Docker {data.dockerVersion ?? "?"} · full inventory received{" "}
              <RelativeTime value={new Date(data.syncedAt)} />, updated by events since
            </Text>
          )}
          <Tabs defaultValue="containers" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="containers">
                Containers{" "}
                <Badge size="xs" variant="light" ml={4}>
                  {data.containers.length}
                </Badge>
              </Tabs.Tab>
              <Tabs.Tab value="images">
                Images{" "}
                <Badge size="xs" variant="light" ml={4}>
                  {data.images.length}
                </Badge>
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="containers" pt="md">
              <ContainersTable hostId={hostId} inventory={data} />
            </Tabs.Panel>
            <Tabs.Panel value="images" pt="md">
              <Paper withBorder radius="lg">
                <Table aria-label="Images" verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Tags</Table.Th>
                      <Table.Th>Id</Table.Th>
                      <Table.Th>Size</Table.Th>
                      <Table.Th>Created</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.images.map((image) => (
                      <Table.Tr key={image.id}>
                        <Table.Td>{image.tags.join(", ") || <Text c="dimmed">untagged</Text>}</Table.Td>
                        <Table.Td>
                          <Text fz="xs" ff="monospace">
                            {image.id.replace("sha256:", "").slice(0, 12)}
                          </Text>
                        </Table.Td>
                        <Table.Td>{formatBytes(image.sizeBytes)}</Table.Td>
                        <Table.Td>
                          <RelativeTime value={new Date(image.createdAt)} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {data.images.length === 0 && (
                  <Group p="md">
                    <Text c="dimmed" fz="sm">
                      No images on this host.
                    </Text>
                  </Group>
                )}
              </Paper>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </>
  );
}
