"use client";
// A request's header: number and summary, status, break-glass flag, who asked and when, and how
// far it got (approvals counted of required, when it expires or ended).
import { Badge, Card, Group, Stack, Text, Title } from "@mantine/core";
import type { ApprovalRequestView } from "@wheelhouse/shared";
import { RelativeTime } from "../relative-time";
import { ApprovalStatusBadge, BreakGlassBadge } from "./approval-badges";
import { RequestEnvironment } from "./approvals-table";

export function ApprovalHeader({ request }: { request: ApprovalRequestView }) {
  const ended = request.executedAt ?? request.decidedAt;
  return (
    <Card withBorder radius="lg" padding="lg" mb="lg">
      <Stack gap={6}>
        <Group gap="xs">
          <ApprovalStatusBadge status={request.status} size="lg" />
          <RequestEnvironment value={request.environment} />
          {request.breakGlass && <BreakGlassBadge />}
          {!request.breakGlass && (
            <Badge
              variant="light"
              color={request.approvalsCounted >= request.policy.approvals ? "teal" : "gray"}
              data-testid="approval-count"
            >
              {request.approvalsCounted} of {request.policy.approvals} approval
              {request.policy.approvals === 1 ? "" : "s"}
            </Badge>
          )}
        </Group>
        <Title order={1} fz="h2">
          <Text span c="dimmed" inherit ff="monospace">
            #{request.number}
          </Text>{" "}
          {request.summary}
        </Title>
        <Text fz="sm" c="dimmed">
          Asked by {request.requesterEmail} <RelativeTime value={request.createdAt} /> for{" "}
          <Text span ff="monospace" inherit>
            {request.appName}
          </Text>
          {request.status === "pending" && (
            <>
              {" "}
              · expires <RelativeTime value={request.expiresAt} />
            </>
          )}
          {request.status !== "pending" && ended && (
            <>
              {" "}
              · {request.status === "executed" || request.status === "failed" ? "ran" : "ended"}{" "}
              <RelativeTime value={ended} />
            </>
          )}
        </Text>
      </Stack>
    </Card>
  );
}
