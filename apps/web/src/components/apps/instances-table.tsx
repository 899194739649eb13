"use client";
import { Anchor, Group, Paper, Table, Text } from "@mantine/core";
import type { AppDetail, NetworkMode } from "@wheelhouse/shared";
import Link from "next/link";
import { useCan } from "../../client/session";
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
              <Table.Th>Failure</Table.Th>
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
                <Table.Td>
                  <InstanceStatusBadge status={instance.status} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" c={instance.failureReason ? "red" : "dimmed"}>
                    {instance.failureReason ?? "—"}
                  </Text>
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
