"use client";
// The audit events as a table, newest first. Actor, action and target are buttons that filter the
// page by that value, the quickest way from one event to everything like it.
import { Badge, Code, Paper, Table, Text, UnstyledButton } from "@mantine/core";
import type { AuditEventView, AuditFilter } from "@wheelhouse/shared";
import { auditActionLabel } from "../audit-actions";
import { RelativeTime } from "../relative-time";
import { STATUS_COLORS } from "../status";

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("  ");
}

function FilterButton({ label, onClick, children }: { label: string; onClick: () => void; children: React.ReactNode }) {
  return (
    // The button is named by what it shows (WCAG 2.5.3); what clicking does is its title.
    <UnstyledButton onClick={onClick} title={label} style={{ textAlign: "left" }}>
      {children}
    </UnstyledButton>
  );
}

export function AuditEventsTable({
  events,
  onFilter,
}: {
  events: AuditEventView[];
  onFilter: (filter: Partial<Pick<AuditFilter, "actor" | "action" | "target">>) => void;
}) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Audit events">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th>Address</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((event) => (
              <Table.Tr key={event.id} data-testid="audit-row">
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <RelativeTime value={event.at} />
                </Table.Td>
                <Table.Td>
                  {event.actorEmail ? (
                    <FilterButton
                      label={`Show only ${event.actorEmail}`}
                      onClick={() => onFilter({ actor: event.actorEmail ?? undefined })}
                    >
                      <Text component="span" display="block" fz="sm">
                        {event.actorEmail}
                      </Text>
                    </FilterButton>
                  ) : (
                    <Text fz="sm" c="dimmed">
                      anonymous
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <FilterButton label={`Show only ${event.action}`} onClick={() => onFilter({ action: event.action })}>
                    <Text component="span" display="block" fz="sm">
                      {auditActionLabel(event.action)}
                    </Text>
                    <Code fz="xs">{event.action}</Code>
                  </FilterButton>
                </Table.Td>
                <Table.Td>
                  {event.targetId ? (
                    <FilterButton
                      label={`Show only events on ${event.targetId}`}
                      onClick={() => onFilter({ target: event.targetId ?? undefined })}
                    >
                      <Text component="span" display="block" fz="xs" c="dimmed">
                        {event.targetType}
                      </Text>
                      <Text component="span" display="block" fz="sm" ff="monospace" truncate maw={180}>
                        {event.targetId}
                      </Text>
                    </FilterButton>
                  ) : (
                    <Text c="dimmed">—</Text>
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <Badge variant="light" color={STATUS_COLORS[event.outcome]} miw="max-content">
                    {event.outcome}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text fz="xs" ff="monospace" c="dimmed" lineClamp={2} maw={380} style={{ overflowWrap: "anywhere" }}>
                    {detailsText(event.details)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="xs" c="dimmed">
                    {event.ip ?? "—"}
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
