"use client";
// The incidents list: one row per incident, the number linking to its page.
import { Anchor, Group, Paper, Table, Text } from "@mantine/core";
import type { IncidentSummary } from "@wheelhouse/shared";
import Link from "next/link";
import { RelativeTime } from "../relative-time";
import { IncidentStatusBadge, SeverityBadge } from "./incident-badges";

export function incidentPath(id: string): string {
  return `/incidents/${encodeURIComponent(id)}`;
}

export function IncidentsTable({ incidents }: { incidents: IncidentSummary[] }) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Incidents">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Incident</Table.Th>
              {/* Widths keep the badges whole when a long title takes the room. */}
              <Table.Th w={100}>Severity</Table.Th>
              <Table.Th w={180}>Status</Table.Th>
              <Table.Th>App or host</Table.Th>
              <Table.Th>Lead</Table.Th>
              <Table.Th w={140}>Opened</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {incidents.map((incident) => (
              <Table.Tr key={incident.id} data-testid={`incident-${incident.number}`}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Text fz="sm" c="dimmed" ff="monospace">
                      #{incident.number}
                    </Text>
                    <Anchor component={Link} href={incidentPath(incident.id)} fz="sm" fw={500}>
                      {incident.title}
                    </Anchor>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <SeverityBadge severity={incident.severity} />
                </Table.Td>
                <Table.Td>
                  <IncidentStatusBadge status={incident.status} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">
                    {incident.app ?? incident.host?.name ?? "—"}
                    {incident.app && incident.host ? ` on ${incident.host.name}` : ""}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{incident.lead ? (incident.lead.name ?? incident.lead.email) : "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">
                    <RelativeTime value={incident.openedAt} />
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {incident.openedBy === "signal" ? "by a signal" : `by ${incident.openedBy}`}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
