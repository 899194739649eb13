// How a deployment fails, at any step or after a portal restart: its new containers are removed,
// its instances marked Failed with the reason, and the deployment Failed. The previous release
// keeps serving, because nothing switched to this one.
import {
  ACTIVE_INSTANCE_STATUSES,
  type InstanceStatus,
  type RaisedSignal,
  REMOVABLE_INSTANCE_STATUSES,
} from "@wheelhouse/shared";
import type { Db } from "../../db/client";
import { statusIn } from "../../db/status-filter";
import type { Logger } from "../../logging/logger";
import { deploymentFailedNotification } from "../../notifications/event-notifications";
import { appendLog, isFinished, transition } from "../deployment-records";
import type { StepServices } from "./deployment-run";
import { announce, type DeploymentRun } from "./deployment-run";
import { removeInstances } from "./remove-instances";

/** Marks a deployment's instances that still count as running. */
export async function markActiveInstances(
  db: Db,
  deploymentId: string,
  status: Extract<InstanceStatus, "Stopped" | "Failed">,
  reason: string | null,
): Promise<void> {
  await db.containerInstance.updateMany({
    where: { deploymentId, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
    data: { status, failureReason: reason },
  });
}

/**
 * The `deployment.failed` signal (issue 13 item 2): one fingerprint per app, so a second failed
 * deploy while the first's incident is open adds to it. The rules read the app's environment.
 */
export function deploymentFailedSignal(
  app: { id: string; teamId: string; name: string; environment: string },
  deployment: { id: string; kind: string },
  reason: string,
): RaisedSignal {
  return {
    teamId: app.teamId,
    kind: "deployment.failed",
    appId: app.id,
    hostId: null,
    reasonClass: "deployment",
    summary: `The ${deployment.kind} of ${app.name} failed: ${reason}`.slice(0, 1_000),
    details: { environment: app.environment, deploymentId: deployment.id, deploymentKind: deployment.kind },
  };
}

/** Raises the signal; a failure to do so is logged, never fails the deployment's own bookkeeping. */
export async function raiseDeploymentFailed(
  services: Pick<StepServices, "signals"> & { logger: Pick<Logger, "error"> },
  signal: RaisedSignal,
): Promise<void> {
  try {
    await services.signals.raise(signal);
  } catch (error) {
    services.logger.error(
      { err: error, deploymentId: signal.details?.deploymentId },
      "could not raise the failed deployment's signal",
    );
  }
}

/**
 * Everything a failed deployment tells: the team's `deployment.failed` webhooks (whatever the
 * incident rules decide) and the signal intake. Neither failure fails the deployment's bookkeeping.
 */
export async function reportDeploymentFailed(
  services: Pick<StepServices, "signals" | "notifier"> & { logger: Pick<Logger, "error"> },
  app: { id: string; teamId: string; name: string; environment: string },
  deployment: { id: string; kind: string },
  reason: string,
): Promise<void> {
  await services.notifier.notify(app.teamId, deploymentFailedNotification(app, deployment, reason));
  await raiseDeploymentFailed(services, deploymentFailedSignal(app, deployment, reason));
}

/** Fails the run's deployment with `reason`, unless it already finished (it went live meanwhile). */
export async function failDeployment(run: DeploymentRun, reason: string): Promise<void> {
  const { db } = run.services;
  const deploymentId = run.deployment.id;
  const current = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { status: true } });
  if (isFinished(current.status)) return;
  const mine = await db.containerInstance.findMany({
    where: { deploymentId, status: statusIn(REMOVABLE_INSTANCE_STATUSES), containerId: { not: null } },
  });
  await appendLog(
    db,
    deploymentId,
    `Failed: ${reason}`,
    "Removing the new containers; the previous release keeps serving.",
  );
  await removeInstances(run.services, mine, "Failed");
  await markActiveInstances(db, deploymentId, "Failed", reason.slice(0, 1_000));
  await transition(db, deploymentId, "Failed", { failureReason: reason.slice(0, 4_000) });
  announce(run);
  await reportDeploymentFailed(run.services, run.app, run.deployment, reason);
}
