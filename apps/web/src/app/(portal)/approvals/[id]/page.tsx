"use client";
// One approval request: its header, what it binds and the policy it was asked under, the reviews,
// and what the reader may do with it. approvals:changed hints refresh it; while its action runs
// (executing), and while the deployment it started runs, it also polls, so the outcome, the
// deployment link and whether it went Live appear without a reload.
import { Alert, Grid, Loader, Stack } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type DeploymentStatus, FINISHED_DEPLOYMENT_STATUSES } from "@wheelhouse/shared";
import { useParams } from "next/navigation";
import { errorMessage } from "../../../../client/errors";
import { useTRPC } from "../../../../client/trpc";
import { ApprovalFacts } from "../../../../components/approvals/approval-facts";
import { ApprovalHeader } from "../../../../components/approvals/approval-header";
import { ApprovalReviews } from "../../../../components/approvals/approval-reviews";
import { ReviewPanel } from "../../../../components/approvals/review-panel";
import { BackLink } from "../../../../components/back-link";

const POLL_WHILE_EXECUTING = 2_000;
const FINISHED: readonly DeploymentStatus[] = FINISHED_DEPLOYMENT_STATUSES;

export default function ApprovalPage() {
  const params = useParams<{ id: string }>();
  const id = decodeURIComponent(params.id);
  const trpc = useTRPC();
  const detail = useQuery(
    trpc.approvals.get.queryOptions(
      { id },
      {
        // Also while the deployment it started runs, so the page shows whether it went Live.
        refetchInterval: (query) => {
          const request = query.state.data?.request;
          const running = request?.deployment && !FINISHED.includes(request.deployment.status);
          return request?.status === "executing" || running ? POLL_WHILE_EXECUTING : false;
        },
      },
    ),
  );
  const request = detail.data?.request;
  return (
    <>
      <BackLink href="/approvals">Approvals</BackLink>
      {detail.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Cannot show this request">
          {errorMessage(detail.error)}
        </Alert>
      )}
      {detail.isPending && <Loader aria-label="Loading the request" />}
      {request && (
        <>
          <ApprovalHeader request={request} />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <ApprovalFacts request={request} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <Stack gap={0}>
                <ReviewPanel request={request} />
                <ApprovalReviews request={request} />
              </Stack>
            </Grid.Col>
          </Grid>
        </>
      )}
    </>
  );
}
