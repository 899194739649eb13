"use client";
// Approvals: requests waiting for me (the default: what a reviewer came for), mine, or the team's,
// filtered by status, app and action. The /ui socket's approvals:changed hint refreshes the list
// (client/use-session-socket.ts).
import { Alert, Button, Group, Loader, SegmentedControl, Select } from "@mantine/core";
import { IconAlertCircle, IconShieldCheck } from "@tabler/icons-react";
import { useQueries, useQuery } from "@tanstack/react-query";
import {
  APPROVAL_LIST_STATUSES,
  APPROVAL_VIEWS,
  GATED_ACTION_LABELS,
  GATED_ACTIONS,
  type GatedAction,
} from "@wheelhouse/shared";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { ApprovalsTable } from "../../../components/approvals/approvals-table";
import { APPROVAL_STATUS_LABELS } from "../../../components/approvals/format";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";

type View = (typeof APPROVAL_VIEWS)[number];
type ListStatus = (typeof APPROVAL_LIST_STATUSES)[number];

const VIEW_LABELS: Record<View, string> = { waiting: "Waiting for me", mine: "Mine", all: "All" };
const LIST_STATUS_LABELS: Record<ListStatus, string> = {
  open: "Open",
  finished: "Finished",
  all: "Any",
  ...APPROVAL_STATUS_LABELS,
};

/** What an empty list means, per view, when no filter narrows it. */
const EMPTY: Record<View, { title: string; text: string }> = {
  waiting: {
    title: "Nothing waits for you",
    text: "Requests you may review appear here: someone else's rollback (or another action your team's policies gate) that needs your approval.",
  },
  mine: {
    title: "You have asked for nothing",
    text: "When an action you start needs approval (a production rollback, by default), your request appears here until it runs, is denied or expires.",
  },
  all: {
    title: "No requests yet",
    text: "Actions that need a second person, such as rolling back production, wait here until an approver reviews them.",
  },
};

export default function ApprovalsPage() {
  const trpc = useTRPC();
  const mayReview = useCan("approvals.review");
  const mayManagePolicies = useCan("approvals.policies.manage");
  // Someone who may not review has nothing waiting for them: their own requests are what they look for.
  const [view, setView] = useState<View>(mayReview ? "waiting" : "mine");
  const [status, setStatus] = useState<ListStatus>("all");
  const [action, setAction] = useState<GatedAction | null>(null);
  const [app, setApp] = useState<string | null>(null);
  // The cursors of the older pages asked for, newest first; a new filter starts again at the top.
  // (Pages by hand rather than an infinite query: that would send tRPC's `direction`, which the
  // strict list input refuses.)
  const [cursors, setCursors] = useState<number[]>([]);
  const filter =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setCursors([]);
      set(value);
    };
  const apps = useQuery(trpc.apps.list.queryOptions());
  const input = { view, status, app: app ?? undefined, action: action ?? undefined, limit: 50 };
  const pages = useQueries({
    queries: [undefined, ...cursors].map((cursor) => trpc.approvals.list.queryOptions({ ...input, cursor })),
  });
  const first = pages[0];
  const last = pages.at(-1);
  const requests = pages.flatMap((page) => page.data?.requests ?? []);
  const error = pages.find((page) => page.error)?.error;
  const nextCursor = last?.data?.nextCursor ?? null;
  const filtered = status !== "all" || action !== null || app !== null;
  const empty = EMPTY[view];
  return (
    <>
      <PageHeader
        title="Approvals"
        description="Risky actions your team's policies gate wait here for a second person; when the last approval arrives the action runs at once, as the person who asked."
        actions={
          <Button component={Link} href="/settings/approval-policies" variant="light">
            {mayManagePolicies ? "Edit policies" : "Policies"}
          </Button>
        }
      />
      <Group mb="md" gap="sm" wrap="wrap" align="flex-end">
        <SegmentedControl
          aria-label="Which requests"
          value={view}
          onChange={(value) => filter(setView)(value as View)}
          data={APPROVAL_VIEWS.map((value) => ({ value, label: VIEW_LABELS[value] }))}
        />
        <Select
          label="Status"
          w={150}
          allowDeselect={false}
          data={APPROVAL_LIST_STATUSES.map((value) => ({ value, label: LIST_STATUS_LABELS[value] }))}
          value={status}
          onChange={(value) => value && filter(setStatus)(value as ListStatus)}
        />
        <Select
          label="Action"
          placeholder="Any"
          clearable
          w={190}
          data={GATED_ACTIONS.map((value) => ({ value, label: GATED_ACTION_LABELS[value] }))}
          value={action}
          onChange={(value) => filter(setAction)(value as GatedAction | null)}
        />
        <Select
          label="App"
          placeholder="Any"
          clearable
          searchable
          w={220}
          data={(apps.data?.apps ?? []).map((a) => a.name)}
          value={app}
          onChange={filter(setApp)}
        />
      </Group>
      {error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(error)}
        </Alert>
      )}
      {first?.isPending ? (
        <Loader aria-label="Loading approval requests" />
      ) : requests.length > 0 ? (
        <>
          <ApprovalsTable requests={requests} />
          {nextCursor !== null && (
            <Group justify="center" mt="md">
              <Button variant="default" loading={last?.isFetching} onClick={() => setCursors([...cursors, nextCursor])}>
                Load older requests
              </Button>
            </Group>
          )}
        </>
      ) : (
        <EmptyState icon={IconShieldCheck} title={filtered ? "No requests match" : empty.title}>
          {filtered ? "Try another status, action or app." : empty.text}
        </EmptyState>
      )}
    </>
  );
}
