"use client";
import { Alert, Button, Loader, Tabs } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertCircle, IconFileSearch } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useTRPC } from "../../../client/trpc";
import { AuditEventsTable } from "../../../components/audit/audit-events-table";
import {
  type AuditFilterDraft,
  AuditFilters,
  EMPTY_AUDIT_FILTERS,
  toAuditFilter,
} from "../../../components/audit/audit-filters";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";
import { TerminalSessionsTable } from "../../../components/terminal/terminal-sessions-table";

export default function AuditPage() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<AuditFilterDraft>(EMPTY_AUDIT_FILTERS);
  const [debounced] = useDebouncedValue(draft, 300);
  // Only valid fields reach the search and the export; an invalid one is named under its input.
  const { filter, errors } = toAuditFilter(debounced);
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const events = query.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Object.keys(filter).length > 0;
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
          <AuditFilters draft={draft} onChange={setDraft} errors={errors} exportFilter={filter} />
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
                ? "Clear a filter or widen the time range to see more."
                : "Sign-ins, changes and refused attempts will be recorded here as they happen."}
            </EmptyState>
          ) : (
            <AuditEventsTable events={events} onFilter={(more) => setDraft({ ...draft, ...more })} />
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
