"use client";
import { useCan } from "../../../../client/session";
import { BackLink } from "../../../../components/back-link";
import { PageHeader } from "../../../../components/page-header";
import { IncidentRulesEditor } from "../../../../components/settings/incident-rules-editor";

export default function IncidentRulesPage() {
  const mayEdit = useCan("signals.manage");
  return (
    <>
      <BackLink href="/settings">Settings</BackLink>
      <PageHeader
        title="Incident rules"
        description={`Which signals open an incident, and how severe it is.${mayEdit ? "" : " Admins change them."}`}
      />
      <IncidentRulesEditor />
    </>
  );
}
