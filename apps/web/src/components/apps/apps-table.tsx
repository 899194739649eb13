"use client";
import { Anchor, Group, Paper, Stack, Table, Text } from "@mantine/core";
import type { App } from "@wheelhouse/shared";
import Link from "next/link";
import { RelativeTime } from "../relative-time";
import { AppStatusBadge, EnvironmentBadge } from "./app-status-badge";
import { DeploymentStatusBadge } from "./deployment-status-badge";
import { KIND_LABELS } from "./format";

function Dimmed({ children }: { children: string }) {
  return (
    <Text fz="sm" c="dimmed">
      {children}
    </Text>
  );
}

export function AppsTable({ apps }: { apps: App[] }) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="sm" aria-label="Apps" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Live release</Table.Th>
              <Table.Th>Domains</Table.Th>
              <Table.Th>Hosts</Table.Th>
              <Table.Th>Last deployment</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {apps.map((app) => (
              <Table.Tr key={app.id} data-testid={`app-${app.name}`}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor component={Link} href={`/apps/${encodeURIComponent(app.name)}`} fw={600}>
                      {app.name}
                    </Anchor>
                    <EnvironmentBadge environment={app.environment} size="sm" />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <AppStatusBadge status={app.status} />
                </Table.Td>
                <Table.Td>
                  {app.liveRelease ? (
                    <Stack gap={0}>
                      <Text fz="sm" fw={500}>
                        #{app.liveRelease.number}
                      </Text>
                      <Text fz="xs" c="dimmed" ff="monospace" lineClamp={1} maw={260} title={app.liveRelease.imageRef}>
                        {app.liveRelease.imageRef}
                      </Text>
                    </Stack>
                  ) : (
                    <Dimmed>—</Dimmed>
                  )}
                </Table.Td>
                <Table.Td>
                  {app.domains.length > 0 ? (
                    <Stack gap={0}>
                      {app.domains.map((domain) => (
                        <Text key={domain} fz="sm">
                          {domain}
                        </Text>
                      ))}
                    </Stack>
                  ) : (
                    <Dimmed>none</Dimmed>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{app.hosts.map((host) => host.name).join(", ") || "—"}</Text>
                </Table.Td>
                <Table.Td>
                  {app.lastDeployment ? (
                    <Stack gap={2}>
                      <Group gap={6} wrap="nowrap">
                        <Text fz="sm">{KIND_LABELS[app.lastDeployment.kind]}</Text>
                        <DeploymentStatusBadge status={app.lastDeployment.status} />
                      </Group>
                      <Text fz="xs" c="dimmed">
                        <RelativeTime value={app.lastDeployment.createdAt} />
                      </Text>
                    </Stack>
                  ) : (
                    <Dimmed>never</Dimmed>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
