"use client";
// The reviews given so far, oldest first, each with its comment; an approval that went stale
// (older than the policy's validity) is shown but says it no longer counts.
import { Badge, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ApprovalRequestView } from "@wheelhouse/shared";
import { RelativeTime } from "../relative-time";
import { ROLE_COLORS } from "../status";

function roleColor(role: string): string {
  return role in ROLE_COLORS ? ROLE_COLORS[role as keyof typeof ROLE_COLORS] : "gray";
}

export function ApprovalReviews({ request }: { request: ApprovalRequestView }) {
  return (
    <section aria-labelledby="reviews-heading">
      <Title order={2} fz="h4" mb="sm" id="reviews-heading">
        Reviews
      </Title>
      <Paper withBorder radius="lg" p="md">
        {request.reviews.length === 0 ? (
          <Text fz="sm" c="dimmed">
            {request.breakGlass
              ? "None: an admin ran it without approval."
              : request.status === "pending"
                ? "No one has reviewed it yet. Reviewers were told when it was asked."
                : "No one reviewed it."}
          </Text>
        ) : (
          <Stack gap="md">
            {request.reviews.map((review) => (
              <Stack key={review.reviewerId} gap={2} data-testid="approval-review">
                <Group gap="xs">
                  <Badge variant="light" color={review.decision === "approve" ? "teal" : "orange"}>
                    {review.decision === "approve" ? "Approved" : "Denied"}
                  </Badge>
                  <Text fz="sm" fw={500}>
                    {review.reviewerEmail}
                  </Text>
                  <Badge variant="light" size="sm" color={roleColor(review.reviewerRole)}>
                    {review.reviewerRole}
                  </Badge>
                  {review.decision === "approve" && !review.counts && (
                    <Text fz="xs" c="dimmed">
                      no longer counts: older than the approval validity
                    </Text>
                  )}
                </Group>
                {review.comment && (
                  <Text fz="sm" style={{ whiteSpace: "pre-wrap" }}>
                    {review.comment}
                  </Text>
                )}
                <Text fz="xs" c="dimmed">
                  <RelativeTime value={review.createdAt} />
                </Text>
              </Stack>
            ))}
          </Stack>
        )}
      </Paper>
    </section>
  );
}
