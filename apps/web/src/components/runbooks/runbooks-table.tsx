"use client";
// The runbook library and the team's own runbooks, one row each.
import { Anchor, Badge, Group, Paper, Stack, Table, Text } from "@mantine/core";
import type { RunbookSummary } from "@wheelhouse/shared";
import Link from "next/link";

export function runbookPath(slug: string): string {
  return `/runbooks/${encodeURIComponent(slug)}`;
}

export function OriginBadge({ runbook }: { runbook: Pick<RunbookSummary, "origin" | "shadowsLibrary"> }) {
  if (runbook.origin === "library")
    return (
      <Badge variant="light" color="gray" size="sm">
        library
      </Badge>
    );
  return (
    <Badge variant="light" color="indigo" size="sm">
      {runbook.shadowsLibrary ? "team (replaces library)" : "team"}
    </Badge>
  );
}

export function RunbooksTable({ runbooks }: { runbooks: RunbookSummary[] }) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Runbooks">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Runbook</Table.Th>
              <Table.Th>Covers</Table.Th>
              <Table.Th>Steps</Table.Th>
              <Table.Th>Origin</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {runbooks.map((runbook) => (
              <Table.Tr key={runbook.slug} data-testid={`runbook-${runbook.slug}`}>
                <Table.Td maw={460}>
                  <Stack gap={2}>
                    <Anchor component={Link} href={runbookPath(runbook.slug)} fz="sm" fw={500}>
                      {runbook.title}
                    </Anchor>
                    <Text fz="xs" c="dimmed" lineClamp={2}>
                      {runbook.summary}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td maw={300}>
                  <Text fz="xs">{runbook.sources.join("; ") || "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">
                    {runbook.steps} step{runbook.steps === 1 ? "" : "s"}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    {runbook.automaticSteps} automatic
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <OriginBadge runbook={runbook} />
                    {runbook.hasCommand && (
                      <Badge variant="light" color="orange" size="sm">
                        runs a command
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
