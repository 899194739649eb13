"use client";
// What a gated action answered: a deployment that started (its progress opens), or a request that
// now waits for approval (a toast with its number, linking to it).
import { Anchor, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import type { ApprovalPending, Deployment } from "@wheelhouse/shared";
import Link from "next/link";
import { useCallback } from "react";
import { useTRPC } from "../../client/trpc";
import { useDeploymentStarted } from "../apps/use-deployment-started";
import { approvalPath } from "./format";

export function useApprovalRequested() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    async (approval: ApprovalPending) => {
      notifications.show({
        color: "yellow",
        title: `Request #${approval.number} waits for approval`,
        autoClose: 15_000,
        message: (
          <Text fz="sm" component="span">
            {approval.message}{" "}
            <Anchor component={Link} href={approvalPath(approval)} inherit underline="always">
              Open request #{approval.number}
            </Anchor>
          </Text>
        ),
      });
      await queryClient.invalidateQueries({ queryKey: trpc.approvals.pathKey() });
    },
    [trpc, queryClient],
  );
}

export function useGatedOutcome() {
  const started = useDeploymentStarted();
  const requested = useApprovalRequested();
  return useCallback(
    async (answer: { deployment?: Deployment; approval?: ApprovalPending }) => {
      if (answer.deployment) await started({ deployment: answer.deployment });
      else if (answer.approval) await requested(answer.approval);
    },
    [started, requested],
  );
}
