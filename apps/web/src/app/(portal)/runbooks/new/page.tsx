"use client";
// A new team runbook, from a template.
import { Alert } from "@mantine/core";
import { useRouter } from "next/navigation";
import { useCan } from "../../../../client/session";
import { BackLink } from "../../../../components/back-link";
import { PageHeader } from "../../../../components/page-header";
import { RunbookEditor } from "../../../../components/runbooks/runbook-editor";
import { RUNBOOK_TEMPLATE } from "../../../../components/runbooks/runbook-template";
import { runbookPath } from "../../../../components/runbooks/runbooks-table";

export default function NewRunbookPage() {
  const router = useRouter();
  const mayWrite = useCan("runbooks.write");
  return (
    <>
      <BackLink href="/runbooks">Runbooks</BackLink>
      <PageHeader
        title="New runbook"
        description="Start from this template. A runbook with the id of a library one replaces it for your team."
      />
      {mayWrite ? (
        <RunbookEditor
          initialSource={RUNBOOK_TEMPLATE}
          onSaved={(saved) => router.push(runbookPath(saved.slug))}
          onCancel={() => router.push("/runbooks")}
        />
      ) : (
        <Alert color="gray">Operators and admins write runbooks; your role reads them.</Alert>
      )}
    </>
  );
}
