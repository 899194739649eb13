"use client";
// The approvals list: one row per request, its number linking to its page. What it binds, for
// which app, who asked and why, where it stands, how many approvals count of how many, and when
// it expires while it still waits.
import { Anchor, Badge, Group, Paper, Stack, Table, Text } from "@mantine/core";
import type { ApprovalRequestView } from "@wheelhouse/shared";
import Link from "next/link";
import { EnvironmentBadge } from "../apps/app-status-badge";
import { RelativeTime } from "../relative-time";
import { ApprovalStatusBadge, BreakGlassBadge } from "./approval-badges";
import { approvalPath, asEnvironment } from "./format";

export function RequestEnvironment({ value }: { value: string }) {
  const environment = asEnvironment(value);
  return environment ? <EnvironmentBadge environment={environment} size="sm" /> : <Text fz="sm">{value}</Text>;
}

function Progress({ request }: { request: ApprovalRequestView }) {
  if (request.breakGlass) return <Text fz="sm">skipped</Text>;
  const enough = request.approvalsCounted >= request.policy.approvals;
  return (
    <Badge
      variant="light"
      color={enough ? "teal" : "gray"}
      aria-label={`${request.approvalsCounted} of ${request.policy.approvals} approvals`}
    >
      {request.approvalsCounted} / {request.policy.approvals}
    </Badge>
  );
}

export function ApprovalsTable({ requests }: { requests: ApprovalRequestView[] }) {
  return (
    <Paper withBorder radius="lg">
      <Table.ScrollContainer minWidth={1000}>
        <Table verticalSpacing="sm" highlightOnHover aria-label="Approval requests">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Request</Table.Th>
              {/* Wide enough for the environment badge whole ("production"). */}
              <Table.Th w={130}>App</Table.Th>
              <Table.Th>Asked by</Table.Th>
              <Table.Th>Reason</Table.Th>
              {/* Widths keep the badges whole when a long summary takes the room. */}
              <Table.Th w={140}>Status</Table.Th>
              <Table.Th w={100}>Approvals</Table.Th>
              <Table.Th w={130}>Expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {requests.map((request) => (
              <Table.Tr key={request.id} data-testid={`approval-${request.number}`}>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Text fz="sm" c="dimmed" ff="monospace">
                      #{request.number}
                    </Text>
                    <Stack gap={4}>
                      <Anchor component={Link} href={approvalPath(request)} fz="sm" fw={500}>
                        {request.summary}
                      </Anchor>
                      {request.breakGlass && <BreakGlassBadge size="sm" />}
                    </Stack>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Stack gap={4} align="flex-start">
                    <Text fz="sm" ff="monospace">
                      {request.appName}
                    </Text>
                    <RequestEnvironment value={request.environment} />
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{request.requesterEmail}</Text>
                  <Text fz="xs" c="dimmed">
                    <RelativeTime value={request.createdAt} />
                  </Text>
                </Table.Td>
                <Table.Td maw={260}>
                  <Text fz="sm" lineClamp={2}>
                    {request.reason}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ApprovalStatusBadge status={request.status} />
                </Table.Td>
                <Table.Td>
                  <Progress request={request} />
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{request.status === "pending" ? <RelativeTime value={request.expiresAt} /> : "—"}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
