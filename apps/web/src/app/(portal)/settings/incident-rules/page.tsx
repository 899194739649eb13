"use client";
import { Anchor } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import Link from "next/link";
import { useCan } from "../../../../client/session";
import { PageHeader } from "../../../../components/page-header";
import { IncidentRulesEditor } from "../../../../components/settings/incident-rules-editor";

export default function IncidentRulesPage() {
  const mayEdit = useCan("signals.manage");
  return (
    <>
      <Anchor
        component={Link}
        href="/settings"
        fz="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: "center", gap: 4 }}
      >
        <IconArrowLeft size={14} /> Settings
      </Anchor>
      <PageHeader
        title="Incident rules"
        description={`Which signals open an incident, and how severe it is.${mayEdit ? "" : " Admins change them."}`}
      />
      <IncidentRulesEditor />
    </>
  );
}
