"use client";
// An approval request of the incident's app on its timeline (issue 14): "Request #4: roll back to
// release 3 — approved by pia@…", its status, the break-glass flag when an admin skipped review,
// and the reason and review comments beneath.
import { Anchor, Group, Stack, Text } from "@mantine/core";
import Link from "next/link";
import type { ReactNode } from "react";
import { ApprovalStatusBadge, BreakGlassBadge } from "../approvals/approval-badges";
import { approvalPath } from "../approvals/format";
import { type ApprovalEntryData, approvalDecision, lowerFirst } from "./approval-decision";

export function describeApproval(data: ApprovalEntryData): { title: ReactNode; body: ReactNode } {
  return {
    title: (
      <Group gap={6}>
        <span>
          {/* Inside a sentence a link is underlined: colour alone is not enough (WCAG 1.4.1). */}
          <Anchor component={Link} href={approvalPath(data)} inherit underline="always">
            Request #{data.number}
          </Anchor>
          : {lowerFirst(data.summary)} — {approvalDecision(data)}
        </span>
        <ApprovalStatusBadge status={data.status} size="sm" />
        {data.breakGlass && <BreakGlassBadge size="sm" />}
      </Group>
    ),
    body: (
      <Stack gap={2}>
        <Text fz="sm" c="dimmed" component="div">
          Reason: {data.reason}
        </Text>
        {data.reviews
          .filter((review) => review.comment)
          .map((review) => (
            <Text key={`${review.email}-${review.at}`} fz="sm" component="div">
              {review.email} ({review.decision === "approve" ? "approved" : "denied"}): {review.comment}
            </Text>
          ))}
      </Stack>
    ),
  };
}
