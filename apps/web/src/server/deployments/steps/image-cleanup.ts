// Best effort after a deployment went live: images of the app's releases that are no longer kept
// (image-retention.ts) are removed from its hosts. A failure here never fails the deployment.
import { RELEASE_IN_USE_DEPLOYMENT_STATUSES } from "@wheelhouse/shared";
import { statusIn } from "../../db/status-filter";
import { planImageCleanup } from "../../releases/image-retention";
import { appendLog } from "../deployment-records";
import type { DeploymentRun } from "./deployment-run";

const REMOVE_TIMEOUT_MS = 120_000;

export async function cleanUpImages(run: DeploymentRun): Promise<void> {
  const { db, agents, logger } = run.services;
  const { app, deployment, hostName } = run;
  try {
    const releases = await db.release.findMany({
      where: { app: { teamId: app.teamId } },
      select: { id: true, appId: true, number: true, imageDigest: true },
    });
    const busy = await db.deployment.findMany({
      where: { app: { teamId: app.teamId }, status: statusIn(RELEASE_IN_USE_DEPLOYMENT_STATUSES) },
      select: { releaseId: true },
    });
    const inUse = new Set(busy.flatMap((d) => (d.releaseId ? [d.releaseId] : [])));
    const plan = planImageCleanup(releases.map((r) => ({ ...r, inUse: inUse.has(r.id) })));
    const mine = new Set(releases.filter((r) => r.appId === app.id).map((r) => r.imageDigest));
    const candidates = plan.candidates.filter((digest) => mine.has(digest));
    if (candidates.length === 0) return;
    for (const hostId of app.hostIds) {
      const result = await agents.command(
        hostId,
        "image.remove-unused",
        { candidates, keep: plan.keep },
        { timeoutMs: REMOVE_TIMEOUT_MS },
      );
      if (result.removed.length > 0) {
        await appendLog(db, deployment.id, `Removed ${result.removed.length} old image(s) on ${hostName(hostId)}`);
      }
    }
  } catch (error) {
    logger.warn({ err: error, appId: app.id }, "could not clean up old images");
  }
}
