"use client";
// What a request binds, in full (the release and its exact digest, the hosts, the replicas), and
// the policy it was asked under: a reviewer approves exactly this, never "whatever it means by then".
import { Anchor, Group, Paper, Table, Text, Title } from "@mantine/core";
import { type ApprovalParams, type ApprovalRequestView, GATED_ACTION_LABELS } from "@wheelhouse/shared";
import Link from "next/link";
import type { ReactNode } from "react";
import { DeploymentStatusBadge } from "../apps/deployment-status-badge";
import { deploymentPath } from "../apps/format";
import { FactRow } from "../fact-row";
import { durationLabel, reviewersLabel } from "./format";

/** In full, not shortened: the reviewer compares it with what they expect to run. */
function FullDigest({ value }: { value: string }) {
  return (
    <Text span ff="monospace" fz="xs" style={{ overflowWrap: "anywhere" }} data-testid="approval-digest">
      {value}
    </Text>
  );
}

function hostsText(hosts: ApprovalParams["hosts"]): string {
  return hosts.length > 0 ? hosts.map((host) => host.name).join(", ") : "none";
}

function paramRows(params: ApprovalParams): ReactNode {
  const hosts = <FactRow label="Hosts">{hostsText(params.hosts)}</FactRow>;
  switch (params.action) {
    case "apps.rollback":
    case "apps.restart":
      return (
        <>
          <FactRow label="Release">#{params.releaseNumber}</FactRow>
          <FactRow label="Image digest">
            <FullDigest value={params.imageDigest} />
          </FactRow>
          {hosts}
          <FactRow label="Replicas">{params.replicas} per host</FactRow>
        </>
      );
    case "apps.scale":
      return (
        <>
          <FactRow label="Release">#{params.releaseNumber}</FactRow>
          <FactRow label="Image digest">
            <FullDigest value={params.imageDigest} />
          </FactRow>
          {hosts}
          <FactRow label="Replicas">
            from {params.fromReplicas} to {params.replicas} per host
          </FactRow>
        </>
      );
    case "apps.deploy":
      return (
        <>
          <FactRow label="Image">
            <Text span ff="monospace" fz="sm" style={{ overflowWrap: "anywhere" }}>
              {params.imageRef}
            </Text>
          </FactRow>
          {hosts}
          <FactRow label="Replicas">{params.replicas} per host</FactRow>
        </>
      );
    case "apps.maintenance":
      return (
        <>
          <FactRow label="Maintenance">{params.enabled ? "turn on" : "turn off"}</FactRow>
          {hosts}
        </>
      );
  }
}

export function ApprovalFacts({ request }: { request: ApprovalRequestView }) {
  const { policy } = request;
  return (
    <>
      <section aria-labelledby="binds-heading">
        <Title order={2} fz="h4" mb="sm" id="binds-heading">
          What it runs
        </Title>
        <Paper withBorder radius="lg" mb="lg">
          <Table verticalSpacing="xs" aria-labelledby="binds-heading">
            <Table.Tbody>
              <FactRow label="Action">{GATED_ACTION_LABELS[request.action]}</FactRow>
              <FactRow label="App">
                <Anchor component={Link} href={`/apps/${encodeURIComponent(request.appName)}`} ff="monospace" fz="sm">
                  {request.appName}
                </Anchor>{" "}
                in {request.environment}
              </FactRow>
              {paramRows(request.params)}
              <FactRow label="Reason">
                <Text fz="sm" style={{ whiteSpace: "pre-wrap" }}>
                  {request.reason}
                </Text>
              </FactRow>
              {request.outcome && <FactRow label="Outcome">{request.outcome}</FactRow>}
              {request.deploymentId && (
                <FactRow label="Deployment">
                  <Group gap="xs">
                    {request.deployment && <DeploymentStatusBadge status={request.deployment.status} />}
                    <Anchor component={Link} href={deploymentPath(request.appName, request.deploymentId)} fz="sm">
                      Follow its deployment
                    </Anchor>
                  </Group>
                  {request.deployment?.failureReason && (
                    <Text fz="sm" c="red.9" mt={4}>
                      {request.deployment.failureReason}
                    </Text>
                  )}
                </FactRow>
              )}
            </Table.Tbody>
          </Table>
        </Paper>
      </section>
      <section aria-labelledby="policy-heading">
        <Title order={2} fz="h4" mb="sm" id="policy-heading">
          Policy
        </Title>
        <Paper withBorder radius="lg">
          <Table verticalSpacing="xs" aria-labelledby="policy-heading">
            <Table.Tbody>
              <FactRow label="Needs">
                {reviewersLabel(policy.approvals, policy.reviewerRoles)} to approve, not the person who asked
              </FactRow>
              <FactRow label="Request expires">after {durationLabel(policy.requestExpirySeconds)}</FactRow>
              <FactRow label="Approval valid for">{durationLabel(policy.approvalValiditySeconds)}</FactRow>
            </Table.Tbody>
          </Table>
        </Paper>
      </section>
    </>
  );
}
