"use client";
// Runbooks: the built-in library and the team's own, searchable by title, summary and symptom.
import { Alert, Button, Loader, TextInput } from "@mantine/core";
import { IconAlertCircle, IconChecklist, IconPlus, IconSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { RunbookSummary } from "@wheelhouse/shared";
import Link from "next/link";
import { useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { EmptyState } from "../../../components/empty-state";
import { PageHeader } from "../../../components/page-header";
import { RunbooksTable } from "../../../components/runbooks/runbooks-table";

function matches(runbook: RunbookSummary, words: string[]): boolean {
  const text = [runbook.title, runbook.summary, runbook.slug, ...runbook.symptoms, ...runbook.sources]
    .join("\n")
    .toLowerCase();
  return words.every((word) => text.includes(word));
}

export default function RunbooksPage() {
  const trpc = useTRPC();
  const mayWrite = useCan("runbooks.write");
  const [search, setSearch] = useState("");
  const list = useQuery(trpc.runbooks.list.queryOptions());
  const runbooks = list.data?.runbooks ?? [];
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = runbooks.filter((runbook) => matches(runbook, words));
  const newButton = mayWrite && (
    <Button component={Link} href="/runbooks/new" leftSection={<IconPlus size={16} />}>
      New runbook
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Runbooks"
        description="Checklists for incidents. Their automatic steps run checks on the right host with one click, or by themselves when the runbook attaches."
        actions={newButton}
      />
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Loader aria-label="Loading runbooks" />
      ) : runbooks.length === 0 ? (
        <EmptyState icon={IconChecklist} title="No runbooks" action={newButton}>
          The built-in library is missing (the portal logs why at start-up). Your team's own runbooks appear here once
          written.
        </EmptyState>
      ) : (
        <>
          <TextInput
            mb="md"
            maw={420}
            label="Search"
            placeholder="A title, a symptom or an error message"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
          />
          {shown.length > 0 ? (
            <RunbooksTable runbooks={shown} />
          ) : (
            <EmptyState icon={IconSearch} title="No runbook matches" action={newButton}>
              Try fewer words, or the message people see. A runbook your team needs can be written here.
            </EmptyState>
          )}
        </>
      )}
    </>
  );
}
