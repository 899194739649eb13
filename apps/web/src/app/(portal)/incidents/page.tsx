"use client";
// Incidents: open ones first by default, filtered by status, severity and app. The /ui socket's
// incidents:changed hint refreshes the list (client/use-session-socket.ts).
import { Alert, Button, Group, Loader, SegmentedControl, Select } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertCircle, IconUrgent } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { INCIDENT_LIST_STATUSES, SEVERITIES, type Severity } from "@wheelhouse/shared";
import { useState } from "react";
import { errorMessage } from "../../../client/errors";
import { useCan } from "../../../client/session";
import { useTRPC } from "../../../client/trpc";
import { EmptyState } from "../../../components/empty-state";
import { DeclareIncidentModal } from "../../../components/incidents/declare-incident-modal";
import { IncidentsTable } from "../../../components/incidents/incidents-table";
import { PageHeader } from "../../../components/page-header";

type ListStatus = (typeof INCIDENT_LIST_STATUSES)[number];
const STATUS_LABELS: Record<ListStatus, string> = { open: "Open", resolved: "Resolved", all: "All" };

export default function IncidentsPage() {
  const trpc = useTRPC();
  const mayDeclare = useCan("incidents.manage");
  const [declaring, { open, close }] = useDisclosure(false);
  const [status, setStatus] = useState<ListStatus>("open");
  const [severity, setSeverity] = useState<Severity | null>(null);
  const [app, setApp] = useState<string | null>(null);
  const apps = useQuery(trpc.apps.list.queryOptions());
  const list = useQuery(
    trpc.incidents.list.queryOptions({ status, severity: severity ?? undefined, app: app ?? undefined }),
  );
  const incidents = list.data?.incidents ?? [];
  const filtered = severity !== null || app !== null || status !== "open";
  const declareButton = mayDeclare && (
    <Button color="red" leftSection={<IconUrgent size={16} />} onClick={open}>
      Declare incident
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Incidents"
        description="Opened by hand or by failing checks and alerts, each with its timeline, lead and runbooks."
        actions={declareButton}
      />
      <Group mb="md" gap="sm" wrap="wrap" align="flex-end">
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={(value) => setStatus(value as ListStatus)}
          data={INCIDENT_LIST_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }))}
        />
        <Select
          label="Severity"
          placeholder="Any"
          clearable
          w={140}
          data={[...SEVERITIES]}
          value={severity}
          onChange={(value) => setSeverity(value as Severity | null)}
        />
        <Select
          label="App"
          placeholder="Any"
          clearable
          searchable
          w={220}
          data={(apps.data?.apps ?? []).map((a) => a.name)}
          value={app}
          onChange={setApp}
        />
      </Group>
      {list.error && (
        <Alert color="red" icon={<IconAlertCircle />} mb="md">
          {errorMessage(list.error)}
        </Alert>
      )}
      {list.isPending ? (
        <Loader aria-label="Loading incidents" />
      ) : incidents.length > 0 ? (
        <IncidentsTable incidents={incidents} />
      ) : (
        <EmptyState
          icon={IconUrgent}
          title={filtered ? "No incidents match" : "No open incidents"}
          action={!filtered ? declareButton : undefined}
        >
          {filtered
            ? "Try another status, severity or app."
            : "Nothing is on fire. A failed deployment, an app with no healthy instance left, a lost agent or an Alertmanager alert opens one by itself, with the matching runbook attached; you can also declare one."}
        </EmptyState>
      )}
      {mayDeclare && <DeclareIncidentModal opened={declaring} onClose={close} />}
    </>
  );
}
