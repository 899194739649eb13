"use client";
// Overview: what is live, how the last deployment went, HTTPS, the instances, and the configuration.
import { Alert, Anchor, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconLoader2 } from "@tabler/icons-react";
import type { AppDetail, PullPolicy } from "@wheelhouse/shared";
import Link from "next/link";
import { HttpsCard } from "../certificates/https-card";
import { FactRow } from "../fact-row";
import { RelativeTime } from "../relative-time";
import { deploymentPath, isFinished, KIND_LABELS } from "./format";
import { ImageStatusCard } from "./image-status-card";
import { InstancesTable } from "./instances-table";
import { ReleaseDigest } from "./release-digest";

const PULL_POLICY_MEANING: Record<PullPolicy, string> = {
  always: "each deploy asks the registry for the tag's current digest",
  "if-not-present": "a local image is used when the host has one",
  never: "local images only",
};

export function AppOverview({ app }: { app: AppDetail }) {
  const last = app.lastDeployment;
  const envEntries = Object.entries(app.env);
  return (
    <Stack gap="lg">
      {last && !isFinished(last) && (
        <Alert color="blue" icon={<IconLoader2 />} title={`${KIND_LABELS[last.kind]} in progress: ${last.status}`}>
          <Anchor component={Link} href={deploymentPath(app.name, last.id)} fz="sm">
            Follow its steps and log
          </Anchor>
        </Alert>
      )}
      {last?.status === "Failed" && (
        <Alert
          color="red"
          icon={<IconAlertTriangle />}
          title={
            app.liveRelease
              ? `The last ${last.kind} failed; release #${app.liveRelease.number} keeps serving`
              : `The last ${last.kind} failed`
          }
        >
          <Stack gap={4}>
            <Text fz="sm">{last.failureReason ?? "No reason was recorded."}</Text>
            <Anchor component={Link} href={deploymentPath(app.name, last.id)} fz="sm">
              Open the deployment log
            </Anchor>
          </Stack>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder radius="lg" padding="lg">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            Live release
          </Text>
          {app.liveRelease ? (
            <Stack gap={4} mt={6}>
              <Title order={2} fz="h3">
                #{app.liveRelease.number}
              </Title>
              <Text fz="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                {app.liveRelease.imageRef}
              </Text>
              <Text fz="xs" c="dimmed">
                digest <ReleaseDigest value={app.liveRelease.imageDigest} /> · released{" "}
                <RelativeTime value={app.liveRelease.createdAt} />
                {app.liveRelease.createdBy ? ` by ${app.liveRelease.createdBy}` : ""}
              </Text>
            </Stack>
          ) : (
            <Text fz="sm" c="dimmed" mt={6}>
              Nothing is live yet. Deploy to resolve the image, start instances and route the domains to them.
            </Text>
          )}
        </Card>
        <Card withBorder radius="lg" padding="lg">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600}>
            Domains
          </Text>
          {app.domains.length > 0 ? (
            <Stack gap={2} mt={6}>
              {app.domains.map((domain) => (
                <Text key={domain} fz="sm" ff="monospace">
                  {domain}
                </Text>
              ))}
            </Stack>
          ) : (
            <Text fz="sm" c="dimmed" mt={6}>
              No domains. Add them on the Settings tab; nginx on the app's hosts serves them at once.
            </Text>
          )}
          {app.maintenance && (
            <Text fz="sm" c="orange" mt="xs">
              Maintenance is on: visitors get the maintenance page.
            </Text>
          )}
        </Card>
      </SimpleGrid>

      <HttpsCard app={app} />

      <ImageStatusCard name={app.name} />

      <section aria-labelledby="instances-heading">
        <Title order={2} fz="h4" mb="sm" id="instances-heading">
          Instances
        </Title>
        <InstancesTable instances={app.instances} network={app.network} />
      </section>

      <section aria-labelledby="configuration-heading">
        <Group justify="space-between" mb="sm">
          <Title order={2} fz="h4" id="configuration-heading">
            Configuration
          </Title>
          <Text fz="xs" c="dimmed">
            as the next deploy will use it
          </Text>
        </Group>
        <Card withBorder radius="lg" padding={0}>
          <Table verticalSpacing="xs" horizontalSpacing="lg" aria-label="Configuration">
            <Table.Tbody>
              <FactRow label="Image">
                <Text fz="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                  {app.image}
                </Text>
              </FactRow>
              <FactRow label="Pull policy">
                <Code>{app.pullPolicy}</Code> — {PULL_POLICY_MEANING[app.pullPolicy]}
              </FactRow>
              <FactRow label="Auto-deploy on push">
                {app.autoDeploy
                  ? "On: a push of this image and tag reported by the team's registry hook deploys its digest"
                  : "Off"}
              </FactRow>
              <FactRow label="Hosts">{app.hosts.map((host) => host.name).join(", ") || "—"}</FactRow>
              <FactRow label="Container port">{app.port}</FactRow>
              <FactRow label="Replicas">{app.replicas} per host</FactRow>
              <FactRow label="Health check">
                <Code>{app.healthPath}</Code> within {app.healthTimeoutSeconds} s
              </FactRow>
              <FactRow label="Live probes">
                <Code>{app.healthPath}</Code>
                {app.livenessPath && (
                  <>
                    {" "}
                    and <Code>{app.livenessPath}</Code> (liveness)
                  </>
                )}{" "}
                on port {app.probePort ?? app.port} every {app.healthIntervalSeconds} s, timeout{" "}
                {app.healthProbeTimeoutSeconds} s; Unhealthy after {app.healthFailureThreshold} failures, Healthy after{" "}
                {app.healthSuccessThreshold} passes
              </FactRow>
              {app.metricsPath && (
                <FactRow label="Metrics">
                  <Code>{app.metricsPath}</Code> on port {app.metricsPort ?? app.probePort ?? app.port}
                </FactRow>
              )}
              <FactRow label="Network">{app.network === "host" ? "Host network" : "Published port"}</FactRow>
              <FactRow label="Restart policy">{app.restartPolicy}</FactRow>
              <FactRow label="Variables">
                {envEntries.length > 0 ? (
                  <Stack gap={0}>
                    {envEntries.map(([key, value]) => (
                      <Text key={key} fz="xs" ff="monospace" style={{ wordBreak: "break-all" }}>
                        {key}={value}
                      </Text>
                    ))}
                  </Stack>
                ) : (
                  "none"
                )}
              </FactRow>
              <FactRow label="Secrets">
                {app.secretKeys.length > 0 ? (
                  <Text fz="xs" ff="monospace">
                    {app.secretKeys.join(", ")}
                  </Text>
                ) : (
                  "none"
                )}
              </FactRow>
              <FactRow label="Created">
                <RelativeTime value={app.createdAt} />
              </FactRow>
            </Table.Tbody>
          </Table>
        </Card>
      </section>
    </Stack>
  );
}
