"use client";
// A new team runbook, from a template.
import { Alert, Anchor } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCan } from "../../../../client/session";
import { PageHeader } from "../../../../components/page-header";
import { RunbookEditor } from "../../../../components/runbooks/runbook-editor";
import { RUNBOOK_TEMPLATE } from "../../../../components/runbooks/runbook-template";
import { runbookPath } from "../../../../components/runbooks/runbooks-table";

export default function NewRunbookPage() {
  const router = useRouter();
  const mayWrite = useCan("runbooks.write");
  return (
    <>
      <Anchor
        component={Link}
        href="/runbooks"
        fz="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: "center", gap: 4 }}
      >
        <IconArrowLeft size={14} /> Runbooks
      </Anchor>
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
