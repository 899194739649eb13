"use client";
// What the person looking at a request may do with it, decided by the server (`you`): approve
// (comment optional) or deny (comment required) when they may review; cancel when they asked.
// Otherwise the sentence that says why not. The server enforces the same rules whatever is shown.
import { Alert, Button, Group, Paper, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertCircle, IconCheck, IconInfoCircle, IconX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ApprovalRequestView, denyInputSchema } from "@wheelhouse/shared";
import { useState } from "react";
import { errorMessage } from "../../client/errors";
import { useTRPC } from "../../client/trpc";
import { useStepUp } from "../account/step-up-provider";

export function ReviewPanel({ request }: { request: ApprovalRequestView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState("");
  const [denyTried, setDenyTried] = useState(false);
  // Reviewing may first ask for a fresh code from the authenticator (step-up); a refusal that
  // stands is shown from the mutation's own error, so the promise's rejection needs no handler.
  const withStepUp = useStepUp();
  const reviewed = (run: () => Promise<unknown>) => {
    withStepUp(run).catch(() => undefined);
  };
  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
    // An approval that completes it starts the action: the app's page shows the deployment.
    await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
  };
  const done = (title: string, message: string, color: string) => {
    setComment("");
    setDenyTried(false);
    notifications.show({ color, title, message });
    return refresh();
  };
  const approve = useMutation(
    trpc.approvals.approve.mutationOptions({
      onSuccess: ({ request: after }) =>
        done(
          `You approved #${after.number}`,
          after.status === "pending"
            ? `It needs ${after.policy.approvals - after.approvalsCounted} more approval(s) before it runs.`
            : after.status === "failed"
              ? `It could not run: ${after.outcome ?? "see the request"}`
              : "It had every approval it needs and runs now, as the person who asked.",
          after.status === "failed" ? "red" : "teal",
        ),
      onSettled: refresh,
    }),
  );
  const deny = useMutation(
    trpc.approvals.deny.mutationOptions({
      onSuccess: ({ request: after }) =>
        done(`You denied #${after.number}`, "It will not run; the person who asked reads your comment.", "orange"),
      onSettled: refresh,
    }),
  );
  const cancel = useMutation(
    trpc.approvals.cancel.mutationOptions({
      onSuccess: ({ request: after }) => done(`Request #${after.number} cancelled`, "It will not run.", "gray"),
      onSettled: refresh,
    }),
  );
  const error = approve.error ?? deny.error ?? cancel.error;
  const denyCheck = denyInputSchema.safeParse({ id: request.id, comment });
  const commentError = denyTried && !denyCheck.success ? denyCheck.error.issues[0]?.message : undefined;
  const busy = approve.isPending || deny.isPending || cancel.isPending;
  const { you } = request;
  if (request.status !== "pending") return null;

  return (
    <section aria-labelledby="review-heading">
      <Title order={2} fz="h4" mb="sm" id="review-heading">
        Your review
      </Title>
      <Paper withBorder radius="lg" p="md" mb="lg">
        <Stack gap="sm">
          {error && (
            <Alert color="red" icon={<IconAlertCircle />} role="alert" title="Not done">
              {errorMessage(error)}
            </Alert>
          )}
          {you.canReview ? (
            <>
              <Textarea
                label="Comment"
                description="Optional when you approve; required when you deny (the person who asked reads it)."
                autosize
                minRows={2}
                maxLength={2_000}
                value={comment}
                error={commentError}
                onChange={(event) => setComment(event.currentTarget.value)}
              />
              <Group justify="flex-end" gap="xs">
                <Button
                  variant="default"
                  color="orange"
                  leftSection={<IconX size={16} />}
                  loading={deny.isPending}
                  disabled={busy && !deny.isPending}
                  onClick={() => {
                    setDenyTried(true);
                    const input = denyCheck.success ? denyCheck.data : null;
                    if (input) reviewed(() => deny.mutateAsync(input));
                  }}
                >
                  Deny
                </Button>
                <Button
                  // Shade 9: white on the theme's filled teal (shade 8) reads under 4.5:1.
                  color="teal.9"
                  leftSection={<IconCheck size={16} />}
                  loading={approve.isPending}
                  disabled={busy && !approve.isPending}
                  onClick={() =>
                    reviewed(() =>
                      approve.mutateAsync({ id: request.id, ...(comment.trim() ? { comment: comment.trim() } : {}) }),
                    )
                  }
                >
                  Approve
                </Button>
              </Group>
            </>
          ) : (
            <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="cannot-review">
              <IconInfoCircle size={18} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
              <Text fz="sm">{you.cannotReviewBecause ?? "You cannot review this request."}</Text>
            </Group>
          )}
          {you.canCancel && (
            <Group justify="space-between" gap="xs">
              <Text fz="sm" c="dimmed">
                Cancel it if it is no longer needed.
              </Text>
              <Button
                variant="default"
                loading={cancel.isPending}
                disabled={busy && !cancel.isPending}
                onClick={() => cancel.mutate({ id: request.id })}
              >
                Cancel request
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>
    </section>
  );
}
