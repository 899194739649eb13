"use client";
// One deployment as it happens: its steps with times, the failure if any, and its own log.
import { Alert, Anchor, Card, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { IconAlertCircle, IconCircleCheck, IconX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { errorMessage } from "../../../../../../client/errors";
import { useTRPC } from "../../../../../../client/trpc";
import { DeploymentLog } from "../../../../../../components/apps/deployment-log";
import { DeploymentStatusBadge } from "../../../../../../components/apps/deployment-status-badge";
import { DeploymentStepper } from "../../../../../../components/apps/deployment-stepper";
import { deploymentDuration, formatDuration, isFinished, KIND_LABELS } from "../../../../../../components/apps/format";
import { ReleaseDigest } from "../../../../../../components/apps/release-digest";
import { useNow } from "../../../../../../components/apps/use-now";
import { BackLink } from "../../../../../../components/back-link";
import { RelativeTime } from "../../../../../../components/relative-time";

export default function DeploymentPage() {
  const params = useParams<{ name: string; id: string }>();
  const name = decodeURIComponent(params.name);
  const id = decodeURIComponent(params.id);
  const trpc = useTRPC();
  const query = useQuery(
    trpc.apps.deployment.queryOptions(
      { id },
      { refetchInterval: (q) => (q.state.data && isFinished(q.state.data.deployment) ? false : 2_000) },
    ),
  );
  const deployment = query.data?.deployment;
  const now = useNow(deployment !== undefined && !isFinished(deployment));
  const releaseNumber = deployment?.releaseNumber ?? null;
  // The digest this deployment started lives on its release; fetched once the release exists.
  const releases = useQuery(trpc.apps.releases.queryOptions({ name }, { enabled: releaseNumber !== null }));
  const release = releases.data?.releases.find((candidate) => candidate.number === releaseNumber);

  return (
    <>
      <BackLink href={`/apps/${encodeURIComponent(name)}#deployments`}>{name}</BackLink>
      {query.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Cannot show this deployment">
          {errorMessage(query.error)}
        </Alert>
      )}
      {query.isPending && <Loader aria-label="Loading deployment" />}
      {deployment && (
        <Stack gap="lg">
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <Stack gap={6}>
              <Group gap="sm">
                <Title order={1} fz="h2">
                  {KIND_LABELS[deployment.kind]} of {deployment.appName}
                  {deployment.releaseNumber !== null ? ` · release #${deployment.releaseNumber}` : ""}
                </Title>
                <DeploymentStatusBadge status={deployment.status} />
              </Group>
              <Text fz="sm" c="dimmed">
                {deployment.requestedBy ? `Requested by ${deployment.requestedBy} ` : "Requested "}
                <RelativeTime value={deployment.createdAt} /> · {isFinished(deployment) ? "took " : "running for "}
                {formatDuration(deploymentDuration(deployment, now))} · {deployment.replicas} replica
                {deployment.replicas === 1 ? "" : "s"} per host
              </Text>
              <Text fz="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                {deployment.imageRef}
              </Text>
              {release && (
                <Text fz="xs" c="dimmed">
                  digest <ReleaseDigest value={release.imageDigest} />
                </Text>
              )}
              {deployment.reason && (
                <Text fz="sm">
                  <Text span c="dimmed">
                    Reason:{" "}
                  </Text>
                  {deployment.reason}
                </Text>
              )}
            </Stack>
          </Group>

          <Card withBorder radius="lg" padding="lg">
            <DeploymentStepper deployment={deployment} />
          </Card>

          {deployment.status === "Failed" && (
            <Alert color="red" icon={<IconX />} title="The deployment failed" role="alert">
              <Text fz="sm">{deployment.failureReason ?? "No reason was recorded; see the log below."}</Text>
              <Text fz="xs" c="dimmed" mt={4}>
                Whatever was live before keeps serving. Fix the cause, then deploy again.
              </Text>
            </Alert>
          )}
          {deployment.status === "Live" && (
            <Alert color="teal" icon={<IconCircleCheck />} title="Live">
              Release #{deployment.releaseNumber} passed its health check and serves the app's domains.
            </Alert>
          )}
          {deployment.status === "Superseded" && (
            <Alert color="gray" title="Superseded">
              A newer deployment of {deployment.appName} has taken over.
            </Alert>
          )}

          <DeploymentLog deploymentId={deployment.id} />
          <Anchor
            component={Link}
            href={`/apps/${encodeURIComponent(name)}/deployments/${encodeURIComponent(deployment.id)}/logs`}
            fz="sm"
          >
            Open in the log viewer (search, levels, download) →
          </Anchor>
        </Stack>
      )}
    </>
  );
}
