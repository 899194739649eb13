// Step 4, Live: nginx sends new requests to the new instances (validated, reloaded), then this
// deployment becomes Live and the one it replaces Superseded, in one transaction. If nginx refuses,
// every host goes back to the live release and the deployment fails: the old release keeps serving.

import { ACTIVE_INSTANCE_STATUSES } from "@wheelhouse/shared";
import { statusIn } from "../../db/status-filter";
import { reasonOf } from "../../errors/app-error";
import { logWrite, transitionWrites } from "../deployment-records";
import { announce, DeploymentFailed, type DeploymentRun } from "./deployment-run";
import type { InstanceToRemove } from "./remove-instances";

/** Switches traffic and returns the instances it replaced, for the drain. */
export async function switchTraffic(run: DeploymentRun): Promise<InstanceToRemove[]> {
  const { db, nginx } = run.services;
  const { deployment, app } = run;
  // What the switch replaces, read before it: deployments of one app run one at a time, so neither
  // set changes meanwhile, and the switch's writes then go in one transaction.
  const previous = await db.deployment.findMany({ where: { appId: app.id, status: "Live" }, select: { id: true } });
  const replaced = await db.containerInstance.findMany({
    where: { appId: app.id, deploymentId: { not: deployment.id }, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
  });

  if (app.domains.length > 0) {
    await nginx.switchTo(app.id, deployment.id, app.hostIds).catch((error: unknown) => {
      throw new DeploymentFailed(`nginx did not take the new instances: ${reasonOf(error)}`);
    });
  }
  await db.$transaction([
    ...(app.domains.length > 0
      ? [logWrite(db, deployment.id, `nginx now sends ${app.domains.join(", ")} to the new instances`)]
      : []),
    ...previous.flatMap((live) => transitionWrites(db, live.id, "Superseded")),
    ...transitionWrites(db, deployment.id, "Live"),
  ]);
  nginx.switched(app.id);
  announce(run);
  return replaced;
}
