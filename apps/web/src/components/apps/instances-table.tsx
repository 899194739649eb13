"use client";
import { Anchor, Group, Paper, Stack, Table, Text } from "@mantine/core";
import type { AppDetail, NetworkMode } from "@wheelhouse/shared";
import Link from "next/link";
import { useCan } from "../../client/session";
import { RelativeTime } from "../relative-time";
import { InstanceStatusBadge } from "./deployment-status-badge";

export function InstancesTable({ instances, network }: { instances: AppDetail["instances"]; network: NetworkMode }) {
  // A shell also needs the member's own grant; the terminal page says so when it is missing.
  const mayShell = useCan("containers.shell");
  // An instance on the host's network counts as the host (server/terminal/shell-policy.ts): admins only.
  const mayHostShell = useCan("hosts.shell");
  const hostEquivalent = network === "host" && !mayHostShell;
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="sm" aria-label="Instances">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Host</Table.Th>
              <Table.Th>Container</Table.Th>
              <Table.Th>Port</Table.Th>
              <Table.Th>Release</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last probed</Table.Th>
              <Table.Th>Problem</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {instances.map((instance) => (
              <Table.Tr key={instance.id}>
                <Table.Td>{instance.hostName}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Text fz="sm" ff="monospace">
                      {instance.containerName ?? "—"}
                    </Text>
                    {mayShell &&
                      instance.containerId &&
                      instance.status !== "Stopped" &&
                      instance.status !== "Failed" &&
                      (hostEquivalent ? (
                        <Text fz="xs" c="dimmed">
                          No shell: it shares the host's network, so a shell in it counts as a host shell (admins only).
                        </Text>
                      ) : (
                        <Anchor component={Link} href={`/terminal?instance=${encodeURIComponent(instance.id)}`} fz="xs">
                          Shell
                        </Anchor>
                      ))}
                  </Group>
                </Table.Td>
                <Table.Td>{instance.hostPort ?? "—"}</Table.Td>
                <Table.Td>{instance.releaseNumber !== null ? `#${instance.releaseNumber}` : "—"}</Table.Td>
                {/* Wide enough for "Unhealthy": a clipped status would hide the one word that matters. */}
                <Table.Td miw={130}>
                  <InstanceStatusBadge status={instance.status} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" c="dimmed">
                    {instance.probedAt ? <RelativeTime value={instance.probedAt} /> : "—"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <InstanceProblem instance={instance} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {instances.length === 0 && (
        <Text c="dimmed" fz="sm" p="md">
          No instances run yet. A deploy starts them on the app's hosts.
        </Text>
      )}
    </Paper>
  );
}

/**
 * Why an instance gets no traffic: the live readiness probe's reason (it decides nginx membership),
 * then its container's failure; a dash when there is none.
 */
function InstanceProblem({ instance }: { instance: AppDetail["instances"][number] }) {
  const notReady = instance.probeHealthy === false ? instance.probeReason : null;
  if (!notReady && !instance.failureReason) {
    return (
      <Text fz="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      {notReady && (
        <Text fz="sm" c="red">
          Not ready: {notReady}
        </Text>
      )}
      {instance.failureReason && (
        <Text fz="sm" c="red">
          {instance.failureReason}
        </Text>
      )}
    </Stack>
  );
}
