// Stops and removes instances, host by host. The status is written first, so the reconciler never
// mistakes a container being removed for one that vanished. A host that cannot be reached keeps its
// containers for now; the reconciler removes them when its agent reports in.
import type { InstanceStatus } from "@wheelhouse/shared";
import type { StepServices } from "./deployment-run";

/** Old instances get this long to finish on SIGTERM before the engine kills them. */
const STOP_GRACE_SECONDS = 10;

export interface InstanceToRemove {
  id: string;
  hostId: string;
  containerId: string | null;
}

const FAILED: InstanceStatus = "Failed";

export async function removeInstances(
  { db, agents, logger }: Pick<StepServices, "db" | "agents" | "logger">,
  instances: readonly InstanceToRemove[],
  status: Extract<InstanceStatus, "Stopped" | "Failed">,
): Promise<void> {
  // A failed instance keeps its status and the reason it failed.
  await db.containerInstance.updateMany({
    where: { id: { in: instances.map((i) => i.id) }, status: { not: FAILED } },
    data: { status },
  });
  const byHost = new Map<string, InstanceToRemove[]>();
  for (const instance of instances) byHost.set(instance.hostId, [...(byHost.get(instance.hostId) ?? []), instance]);
  await Promise.all(
    [...byHost].map(async ([hostId, list]) => {
      const ids = list.flatMap((i) => (i.containerId ? [i.containerId] : []));
      if (ids.length === 0) return;
      try {
        await agents.command(
          hostId,
          "app.instance.remove",
          { containerIds: ids, stopTimeoutSeconds: STOP_GRACE_SECONDS },
          { timeoutMs: (STOP_GRACE_SECONDS + 30) * 1000 },
        );
      } catch (error) {
        logger.warn({ err: error, hostId }, "could not remove instances now; the reconciler will");
      }
    }),
  );
}
