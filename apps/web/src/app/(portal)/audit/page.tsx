"use client";
import { Alert, Badge, Button, Code, Group, Loader, Paper, Select, Table, Tabs, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconFileSearch, IconSearch } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useTRPC } from "../../../client/trpc";
import { auditActionLabel } from "../../../components/audit-actions";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";
import { RelativeTime } from "../../../components/relative-time";
import { STATUS_COLORS } from "../../../components/status";
import { TerminalSessionsTable } from "../../../components/terminal/terminal-sessions-table";

type Outcome = "success" | "denied" | "failure";

export default function AuditPage() {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [actor, setActor] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [filters] = useDebouncedValue({ action, actor, outcome }, 300);
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      {
        action: filters.action || undefined,
        actor: filters.actor || undefined,
        outcome: filters.outcome ?? undefined,
        limit: 50,
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const events = query.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Boolean(action || actor || outcome);
  const [tab, setTab] = useState<string | null>("events");
  // /audit?tab=shells (linked from an ended shell) opens the shell sessions.
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get("tab") === "shells") setTab("shells");
  }, []);

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every sign-in, change and refused attempt, newest first. Entries cannot be edited or deleted."
      />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="events">Events</Tabs.Tab>
          <Tabs.Tab value="shells">Shell sessions</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="shells">
          <TerminalSessionsTable />
        </Tabs.Panel>
        <Tabs.Panel value="events">
          <Group mb="md" gap="sm" wrap="wrap">
            <TextInput
              label="Action"
              placeholder="e.g. users. or session.create"
              leftSection={<IconSearch size={16} />}
              value={action}
              onChange={(e) => setAction(e.currentTarget.value)}
              w={240}
            />
            <TextInput
              label="Person"
              placeholder="email contains…"
              value={actor}
              onChange={(e) => setActor(e.currentTarget.value)}
              w={220}
            />
            <Select
              label="Outcome"
              placeholder="Any"
              clearable
              data={[
                { value: "success", label: "Success" },
                { value: "failure", label: "Failure" },
                { value: "denied", label: "Denied" },
              ]}
              value={outcome}
              onChange={(value) => setOutcome(value as Outcome | null)}
              w={160}
            />
          </Group>
          {query.error && (
            <Alert color="red" icon={<IconAlertCircle />} mb="md">
              {errorMessage(query.error)}
            </Alert>
          )}
          {query.isPending ? (
            <Loader aria-label="Loading audit events" />
          ) : events.length === 0 ? (
            <EmptyState
              icon={IconFileSearch}
              title={filtered ? "No events match these filters" : "No audit events yet"}
            >
              {filtered
                ? "Clear a filter to see more."
                : "Sign-ins, user changes and refused attempts will be recorded here as they happen."}
            </EmptyState>
          ) : (
            <Paper withBorder radius="lg">
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm" highlightOnHover aria-label="Audit events">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>When</Table.Th>
                      <Table.Th>Who</Table.Th>
                      <Table.Th>Action</Table.Th>
                      <Table.Th>Outcome</Table.Th>
                      <Table.Th>Details</Table.Th>
                      <Table.Th>Address</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {events.map((event) => (
                      <Table.Tr key={event.id} data-testid="audit-row">
                        <Table.Td>
                          <RelativeTime value={event.at} />
                        </Table.Td>
                        <Table.Td>{event.actorEmail ?? <Text c="dimmed">anonymous</Text>}</Table.Td>
                        <Table.Td>
                          <Text fz="sm">{auditActionLabel(event.action)}</Text>
                          <Code fz="xs">{event.action}</Code>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" color={STATUS_COLORS[event.outcome as Outcome]}>
                            {event.outcome}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <Text fz="xs" ff="monospace" c="dimmed" lineClamp={2}>
                            {Object.entries(event.details)
                              .map(
                                ([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`,
                              )
                              .join("  ")}
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
          )}
          {query.hasNextPage && (
            <Button variant="default" mt="md" onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
              Load older events
            </Button>
          )}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
