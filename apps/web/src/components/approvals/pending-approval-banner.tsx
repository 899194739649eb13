"use client";
// On an app's page: the app's requests that wait for approval, linking to each, so whoever looks
// at the app knows a rollback (or another gated action) is asked for and by whom.
import { Alert, Anchor, Group, Stack, Text } from "@mantine/core";
import { IconShieldCheck } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../client/trpc";
import { RelativeTime } from "../relative-time";
import { approvalPath } from "./format";

export function PendingApprovalBanner({ app }: { app: string }) {
  const trpc = useTRPC();
  const pending = useQuery(trpc.approvals.list.queryOptions({ app, status: "pending", view: "all" }));
  const requests = pending.data?.requests ?? [];
  if (requests.length === 0) return null;
  return (
    <Alert
      color="yellow"
      icon={<IconShieldCheck />}
      mb="md"
      title={
        requests.length === 1
          ? "A request waits for approval on this app"
          : `${requests.length} requests wait for approval on this app`
      }
      data-testid="pending-approval-banner"
    >
      <Stack gap={4}>
        {requests.map((request) => (
          <Group key={request.id} gap="xs" wrap="wrap">
            {/* The alert's own text colour, underlined: link blue reads poorly on the yellow alert. */}
            <Anchor component={Link} href={approvalPath(request)} fz="sm" fw={500} c="inherit" underline="always">
              #{request.number} {request.summary}
            </Anchor>
            {/* The alert's own colour: dimmed grey reads under 4.5:1 on the dark theme's yellow. */}
            <Text fz="xs">
              asked by {request.requesterEmail} · {request.approvalsCounted} of {request.policy.approvals} approvals ·
              expires <RelativeTime value={request.expiresAt} />
            </Text>
          </Group>
        ))}
      </Stack>
    </Alert>
  );
}
