"use client";
// One incident: its header (status, severity, lead), the runbooks with their steps, the timeline
// with a note box, and the postmortem. incidents:changed hints refresh it; while a check runs in
// the background (a runbook's automatic steps), it also polls.
import { Alert, Grid, Loader, Paper, Stack, Title } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { errorMessage } from "../../../../client/errors";
import { useCan } from "../../../../client/session";
import { useTRPC } from "../../../../client/trpc";
import { BackLink } from "../../../../components/back-link";
import { IncidentHeader } from "../../../../components/incidents/incident-header";
import { IncidentTimeline } from "../../../../components/incidents/incident-timeline";
import { NoteBox } from "../../../../components/incidents/note-box";
import { PostmortemForm } from "../../../../components/incidents/postmortem-form";
import { RunbookRunsPanel } from "../../../../components/incidents/runbook-runs-panel";

const POLL_WHILE_RUNNING = 2_000;

export default function IncidentPage() {
  const params = useParams<{ id: string }>();
  const id = decodeURIComponent(params.id);
  const trpc = useTRPC();
  const mayManage = useCan("incidents.manage");
  const detail = useQuery(
    trpc.incidents.get.queryOptions(
      { id },
      {
        refetchInterval: (query) =>
          query.state.data?.incident.runbooks.some((run) => run.steps.some((step) => step.outcome === "running"))
            ? POLL_WHILE_RUNNING
            : false,
      },
    ),
  );
  const incident = detail.data?.incident;
  return (
    <>
      <BackLink href="/incidents">Incidents</BackLink>
      {detail.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Cannot show this incident">
          {errorMessage(detail.error)}
        </Alert>
      )}
      {detail.isPending && <Loader aria-label="Loading the incident" />}
      {incident && (
        <>
          <IncidentHeader incident={incident} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack gap="xl">
                <RunbookRunsPanel incident={incident} />
                <PostmortemForm key={`${incident.id}-${JSON.stringify(incident.postmortem)}`} incident={incident} />
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <section aria-labelledby="timeline-heading">
                <Title order={2} fz="h4" mb="sm" id="timeline-heading">
                  Timeline
                </Title>
                <Paper withBorder radius="lg" p="md">
                  <Stack gap="lg">
                    <IncidentTimeline entries={incident.timeline} app={incident.app} />
                    {mayManage && <NoteBox incidentId={incident.id} />}
                  </Stack>
                </Paper>
              </section>
            </Grid.Col>
          </Grid>
        </>
      )}
    </>
  );
}
