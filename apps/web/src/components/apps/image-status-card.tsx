"use client";
// The app's Image card: pull policy, auto-deploy, the last push notification received, and the live
// release's digest against the last push's (and, on "Check registry", the registry's own answer for
// the tag), with one sentence saying what that means: the answer to "I pushed and nothing happened".
import { Alert, Badge, Button, Card, Group, Skeleton, Stack, Table, Text } from "@mantine/core";
import { IconAlertCircle, IconCloudSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ImageStatus } from "@wheelhouse/shared";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { FactRow } from "../fact-row";
import { RelativeTime } from "../relative-time";
import { ReleaseDigest } from "./release-digest";

function Facts({ status }: { status: ImageStatus }) {
  const { lastPush, live, lastDeployment, registry } = status;
  return (
    <Table verticalSpacing={6} aria-label="Image facts">
      <Table.Tbody>
        <FactRow label="Last push received">
          {lastPush ? (
            <>
              <ReleaseDigest value={lastPush.digest} fz="sm" /> <RelativeTime value={lastPush.receivedAt} /> ·{" "}
              {lastPush.deployments === 1 ? "1 deployment started" : `${lastPush.deployments} deployments started`}
            </>
          ) : (
            <Text span fz="sm" c="dimmed">
              none received
            </Text>
          )}
        </FactRow>
        <FactRow label="Live release">
          {live ? (
            <>
              #{live.releaseNumber} <ReleaseDigest value={live.digest} fz="sm" />
            </>
          ) : (
            <Text span fz="sm" c="dimmed">
              nothing live
            </Text>
          )}
        </FactRow>
        <FactRow label="Last deployment">
          {lastDeployment ? (
            <>
              {lastDeployment.status}
              {lastDeployment.digest ? (
                <>
                  {" "}
                  of <ReleaseDigest value={lastDeployment.digest} fz="sm" />
                </>
              ) : null}{" "}
              <RelativeTime value={lastDeployment.createdAt} />
              {lastDeployment.requestedBy ? ` by ${lastDeployment.requestedBy}` : ""}
            </>
          ) : (
            <Text span fz="sm" c="dimmed">
              none yet
            </Text>
          )}
        </FactRow>
        {registry && (
          <FactRow label={`Registry${registry.hostName ? ` (via ${registry.hostName})` : ""}`}>
            {registry.digest ? (
              <ReleaseDigest value={registry.digest} fz="sm" />
            ) : (
              <Text span fz="sm" c="red">
                {registry.error}
              </Text>
            )}
          </FactRow>
        )}
      </Table.Tbody>
    </Table>
  );
}

export function ImageStatusCard({ name }: { name: string }) {
  const trpc = useTRPC();
  // The registry is asked only on the button: it takes a moment and a request to the registry.
  const [asked, setAsked] = useState(false);
  const status = useQuery(trpc.apps.imageStatus.queryOptions({ name, registry: asked ? "ask" : "skip" }));
  const data = status.data;
  const pinned = data !== undefined && data.tag === null;

  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="image-status-heading">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fz="xs" c="dimmed" tt="uppercase" fw={600} id="image-status-heading">
            Image
          </Text>
          {data && (
            <>
              <Badge variant="light" color="gray">
                pull {data.pullPolicy}
              </Badge>
              <Badge variant="light" color={data.autoDeploy ? "teal" : "gray"}>
                auto-deploy {data.autoDeploy ? "on" : "off"}
              </Badge>
            </>
          )}
        </Group>
        {!pinned && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconCloudSearch size={16} />}
            loading={asked && status.isFetching}
            onClick={() => (asked ? status.refetch() : setAsked(true))}
          >
            Check registry
          </Button>
        )}
      </Group>
      {status.error && (
        <Alert color="red" icon={<IconAlertCircle />}>
          {errorMessage(status.error)}
        </Alert>
      )}
      {data ? (
        <Stack gap="xs">
          <Text fz="sm" data-testid="image-verdict">
            {data.verdict}
          </Text>
          <Facts status={data} />
        </Stack>
      ) : (
        !status.error && <Skeleton height={120} radius="md" />
      )}
    </Card>
  );
}
