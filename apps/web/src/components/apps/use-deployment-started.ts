"use client";
// After a deploy, rollback, restart or scale is accepted: say so, and open its progress at once.
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import type { Deployment } from "@wheelhouse/shared";
import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { useTRPC } from "../../client/trpc";
import { deploymentPath, KIND_LABELS } from "./format";

export function useDeploymentStarted() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return useCallback(
    async ({ deployment }: { deployment: Deployment }) => {
      notifications.show({
        color: "blue",
        title: `${KIND_LABELS[deployment.kind]} of ${deployment.appName} started`,
        message: "Follow its steps and log on this page; you may leave it, the deployment carries on.",
      });
      router.push(deploymentPath(deployment.appName, deployment.id));
      await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
    },
    [trpc, router, queryClient],
  );
}
