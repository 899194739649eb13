// Step 1, Pulling: every host of the app has the image, pinned to one digest, and the deployment
// has its release (a new one for a deploy; the named one for a rollback, restart or scale). Refuses
// before any change when an agent is not connected.

import type { CommandResult, PullPolicy } from "@wheelhouse/shared";
import type { Db } from "../../db/client";
import { reasonOf } from "../../errors/app-error";
import { loginForImage } from "../../registries/registry-logins";
import { type ReleaseConfig, readReleaseConfig } from "../../releases/release-config";
import { createRelease } from "../../releases/releases";
import { appendLog, logWrite } from "../deployment-records";
import { DeploymentFailed, type DeploymentRun, enterStatus } from "./deployment-run";

type ImageSource = CommandResult<"image.resolve">["source"];

/** Pulling an image can take minutes on a slow registry. */
const PULL_TIMEOUT_MS = 10 * 60_000;

export type ReleaseRow = Awaited<ReturnType<Db["release"]["findUniqueOrThrow"]>>;

export interface ResolvedRelease {
  release: ReleaseRow;
  config: ReleaseConfig;
  /** The release's environment with its secrets opened: only ever passed to the agent. */
  env: Record<string, string>;
}

/** A host seen within this long before the portal started is worth waiting for; others fail at once. */
const RECENTLY_SEEN_MS = 5 * 60_000;

/** Of the hosts without a connection, those whose agent was connected lately and is not revoked. */
async function expectedBack(db: Db, hostIds: string[]): Promise<string[]> {
  if (hostIds.length === 0) return [];
  const rows = await db.host.findMany({
    where: {
      id: { in: hostIds },
      keyHash: { not: null },
      lastSeenAt: { gte: new Date(Date.now() - RECENTLY_SEEN_MS) },
    },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

export async function resolveAndRelease(run: DeploymentRun): Promise<ResolvedRelease> {
  const { db, agents, secrets } = run.services;
  const { deployment, app, hostName } = run;
  const hostIds = app.hostIds;
  if (agents.reconnecting) {
    const expected = await expectedBack(
      db,
      hostIds.filter((id) => !agents.get(id)),
    );
    if (expected.length > 0) {
      await appendLog(
        db,
        deployment.id,
        `Waiting for the agent on ${expected.map(hostName).join(", ")} to reconnect after the portal's restart`,
      );
      await agents.awaitReconnects(expected);
    }
  }
  const offline = hostIds.filter((id) => !agents.get(id));
  if (offline.length > 0) {
    throw new DeploymentFailed(
      `The agent on ${offline.map(hostName).join(", ")} is not connected; nothing was changed.`,
    );
  }

  const pullPolicy = app.pullPolicy;
  await enterStatus(
    run,
    "Pulling",
    `Pulling ${deployment.imageRef} on ${hostIds.map(hostName).join(", ")} (pull policy ${pullPolicy})`,
  );
  let release = deployment.releaseId
    ? await db.release.findUniqueOrThrow({ where: { id: deployment.releaseId } })
    : null;
  // A rollback, restart or scale asks for the recorded digest, under the same policy: `never` still
  // works for a digest present on the host, and a missing one is pulled from the app's own repository.
  const wanted = release?.imageDigest ?? deployment.imageRef;
  const login = await loginForImage(db, secrets, app.teamId, wanted);
  const resolved = await Promise.all(
    hostIds.map((hostId) =>
      agents
        .command(
          hostId,
          "image.resolve",
          { ref: wanted, pullPolicy, ...(login ? { login } : {}) },
          { timeoutMs: PULL_TIMEOUT_MS },
        )
        .then(
          (result) => ({ ...result, host: hostName(hostId) }),
          (error: unknown) => {
            // The agent's words name the registry's answer and the login used (by name, never its password).
            throw new DeploymentFailed(`Could not get ${wanted} on ${hostName(hostId)}: ${reasonOf(error)}`);
          },
        ),
    ),
  );
  const outcomes = resolved.map((result) => outcomeLine(result.host, wanted, pullPolicy, result.source));
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
      // A person, or a named non-person such as the registry hook (no id, a name in the email column).
      createdBy:
        deployment.requestedById || deployment.requestedByEmail
          ? { id: deployment.requestedById, email: deployment.requestedByEmail ?? "" }
          : null,
    });
    await db.$transaction([
      db.deployment.update({ where: { id: deployment.id }, data: { releaseId: release.id } }),
      logWrite(
        db,
        deployment.id,
        ...outcomes,
        `Release ${release.number}: ${release.imageRef} → ${release.imageDigest}`,
      ),
    ]);
  } else {
    await logWrite(db, deployment.id, ...outcomes, `Release ${release.number}: ${release.imageDigest}`);
  }

  const config = readReleaseConfig(release.config);
  const env = { ...config.env };
  for (const [key, sealed] of Object.entries(config.sealedSecrets)) env[key] = secrets.open(sealed);
  return { release, config, env };
}

/** What a host did to have the image, for the deployment log: pulled, checked against the registry, or local. */
function outcomeLine(host: string, ref: string, policy: PullPolicy, source: ImageSource): string {
  if (source === "pulled") return `${host}: pulled ${ref} (pull policy ${policy})`;
  if (source === "up-to-date") {
    return `${host}: ${ref} is up to date with the registry, not pulled (pull policy ${policy})`;
  }
  return `${host}: used ${ref} as found on the host, the registry not asked (pull policy ${policy})`;
}
