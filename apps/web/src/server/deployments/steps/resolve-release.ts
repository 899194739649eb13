// Step 1, Pulling: every host of the app has the image, pinned to one digest, and the deployment
// has its release (a new one for a deploy; the named one for a rollback, restart or scale). Refuses
// before any change when an agent is not connected.

import type { Db } from "../../db/client";
import { reasonOf } from "../../errors/app-error";
import { type ReleaseConfig, readReleaseConfig } from "../../releases/release-config";
import { createRelease } from "../../releases/releases";
import { appendLog, logWrite } from "../deployment-records";
import { DeploymentFailed, type DeploymentRun, enterStatus } from "./deployment-run";

/** Pulling an image can take minutes on a slow registry. */
const PULL_TIMEOUT_MS = 10 * 60_000;

export type ReleaseRow = Awaited<ReturnType<Db["release"]["findUniqueOrThrow"]>>;

export interface ResolvedRelease {
  release: ReleaseRow;
  config: ReleaseConfig;
  /** The release's environment with its secrets opened: only ever passed to the agent. */
  env: Record<string, string>;
}

export async function resolveAndRelease(run: DeploymentRun): Promise<ResolvedRelease> {
  const { db, agents, secrets } = run.services;
  const { deployment, app, hostName } = run;
  const hostIds = app.hostIds;
  const offline = hostIds.filter((id) => !agents.get(id));
  if (offline.length > 0) {
    throw new DeploymentFailed(
      `The agent on ${offline.map(hostName).join(", ")} is not connected; nothing was changed.`,
    );
  }

  await enterStatus(run, "Pulling", `Pulling ${deployment.imageRef} on ${hostIds.map(hostName).join(", ")}`);
  let release = deployment.releaseId
    ? await db.release.findUniqueOrThrow({ where: { id: deployment.releaseId } })
    : null;
  const wanted = release?.imageDigest ?? deployment.imageRef;
  const resolved = await Promise.all(
    hostIds.map((hostId) =>
      agents
        .command(hostId, "image.resolve", { ref: wanted }, { timeoutMs: PULL_TIMEOUT_MS })
        .catch((error: unknown) => {
          throw new DeploymentFailed(`Could not get ${wanted} on ${hostName(hostId)}: ${reasonOf(error)}`);
        }),
    ),
  );
  const digests = new Set(resolved.map((r) => r.repoDigest ?? r.imageId));
  if (digests.size > 1) {
    throw new DeploymentFailed(`${wanted} is a different image on different hosts (${[...digests].join(", ")}).`);
  }
  const first = resolved[0];
  if (!first) throw new DeploymentFailed("The app has no host to run on.");

  if (!release) {
    release = await createRelease(db, app, {
      imageRef: deployment.imageRef,
      imageDigest: first.repoDigest ?? first.imageId,
      reason: deployment.reason,
      createdBy: deployment.requestedById
        ? { id: deployment.requestedById, email: deployment.requestedByEmail ?? "" }
        : null,
    });
    await db.$transaction([
      db.deployment.update({ where: { id: deployment.id }, data: { releaseId: release.id } }),
      logWrite(db, deployment.id, `Release ${release.number}: ${release.imageRef} → ${release.imageDigest}`),
    ]);
  } else {
    await appendLog(db, deployment.id, `Release ${release.number}: ${release.imageDigest}`);
  }

  const config = readReleaseConfig(release.config);
  const env = { ...config.env };
  for (const [key, sealed] of Object.entries(config.sealedSecrets)) env[key] = secrets.open(sealed);
  return { release, config, env };
}
