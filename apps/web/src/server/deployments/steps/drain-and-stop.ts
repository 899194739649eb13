// Step 5, after Live: the instances the switch replaced stop once nginx has moved on (SIGTERM, then
// a grace period), and old images are cleaned up.
import { appendLog } from "../deployment-records";
import { announce, type DeploymentRun } from "./deployment-run";
import { cleanUpImages } from "./image-cleanup";
import { type InstanceToRemove, removeInstances } from "./remove-instances";

export async function drainAndStop(run: DeploymentRun, replaced: readonly InstanceToRemove[]): Promise<void> {
  const { db } = run.services;
  await removeInstances(run.services, replaced, "Stopped");
  const seconds = ((Date.now() - run.startedAt) / 1000).toFixed(1);
  await appendLog(db, run.deployment.id, `${replaced.length} previous instance(s) stopped. Live in ${seconds} s.`);
  announce(run);
  await cleanUpImages(run);
}
