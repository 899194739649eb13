"use client";
// Newest first; a row opens the deployment's steps and log.
import { Anchor, Paper, Table, Text } from "@mantine/core";
import type { Deployment } from "@wheelhouse/shared";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { RelativeTime } from "../relative-time";
import { DeploymentStatusBadge } from "./deployment-status-badge";
import { deploymentDuration, deploymentPath, formatDuration, isFinished, KIND_LABELS } from "./format";
import { useNow } from "./use-now";

export function DeploymentsTable({ deployments }: { deployments: Deployment[] }) {
  const router = useRouter();
  const now = useNow(deployments.some((d) => !isFinished(d)));
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={860}>
        <Table verticalSpacing="sm" aria-label="Deployments" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Release</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th>When</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Reason / failure</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {deployments.map((deployment) => {
              const href = deploymentPath(deployment.appName, deployment.id);
              return (
                <Table.Tr
                  key={deployment.id}
                  data-testid={`deployment-${deployment.id}`}
                  style={{ cursor: "pointer" }}
                  onClick={(event) => {
                    if (!(event.target instanceof Element && event.target.closest("a"))) router.push(href);
                  }}
                >
                  <Table.Td>
                    <Anchor component={Link} href={href} fw={500}>
                      {KIND_LABELS[deployment.kind]}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <DeploymentStatusBadge status={deployment.status} />
                  </Table.Td>
                  <Table.Td>{deployment.releaseNumber !== null ? `#${deployment.releaseNumber}` : "—"}</Table.Td>
                  <Table.Td>{deployment.requestedBy ?? "—"}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <RelativeTime value={deployment.createdAt} />
                  </Table.Td>
                  <Table.Td>{formatDuration(deploymentDuration(deployment, now))}</Table.Td>
                  <Table.Td maw={360}>
                    {deployment.failureReason ? (
                      <Text fz="sm" c="red" lineClamp={2}>
                        {deployment.failureReason}
                      </Text>
                    ) : (
                      <Text fz="sm" c="dimmed" lineClamp={2}>
                        {deployment.reason ?? "—"}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {deployments.length === 0 && (
        <Text c="dimmed" fz="sm" p="md">
          No deployments yet. Each deploy, rollback, restart and scale appears here with its steps and log.
        </Text>
      )}
    </Paper>
  );
}
