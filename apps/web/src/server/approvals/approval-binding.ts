// What an approval request binds beyond its parameters, and the check that it still holds when the
// request executes (issue 14 "a request whose target changed in between cannot execute and says
// why"): the app's deploy-relevant settings, fingerprinted, and the deployment live when it was asked.
import { createHash } from "node:crypto";
import type { ApprovalBinding, ApprovalParams } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";

/**
 * Everything a deploy reads from the app, by the name a person knows it by. Not maintenance (it is
 * its own gated action), not auto-deploy (it changes nothing running), not timestamps.
 */
function settingsOf(app: AppRecord): Record<string, unknown> {
  return {
    environment: app.environment,
    image: app.image,
    hosts: app.hostIds,
    replicas: app.replicas,
    env: app.env,
    // Sealed values: a re-entered secret changes the fingerprint without the value being read.
    secrets: app.sealedSecrets,
    domains: app.domains,
    port: app.port,
    network: app.network,
    "restart policy": app.restartPolicy,
    "pull policy": app.pullPolicy,
    "health check": [
      app.healthPath,
      app.healthTimeoutSeconds,
      app.probePort,
      app.livenessPath,
      app.healthIntervalSeconds,
      app.healthProbeTimeoutSeconds,
      app.healthFailureThreshold,
      app.healthSuccessThreshold,
      app.metricsPath,
      app.metricsPort,
    ],
  };
}

/** JSON with object keys sorted, so the same settings always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface AppFingerprint {
  fingerprint: string;
  fields: Record<string, string>;
}

export function appFingerprint(app: AppRecord): AppFingerprint {
  const settings = settingsOf(app);
  const fields = Object.fromEntries(
    Object.entries(settings).map(([name, value]) => [name, sha256(canonical(value)).slice(0, 16)]),
  );
  return { fingerprint: sha256(canonical(settings)), fields };
}

export async function liveDeploymentId(db: Db, appId: string): Promise<string | null> {
  const live = await db.deployment.findFirst({ where: { appId, status: "Live" }, select: { id: true } });
  return live?.id ?? null;
}

export async function bindingOf(db: Db, app: AppRecord): Promise<ApprovalBinding> {
  const { fingerprint, fields } = appFingerprint(app);
  return { appFingerprint: fingerprint, fields, liveDeploymentId: await liveDeploymentId(db, app.id) };
}

/** The target as it is at execution. `release` is the bound release's row now (null: gone). */
export interface CurrentTarget {
  app: AppRecord | null;
  liveDeploymentId: string | null;
  release: { id: string; imageDigest: string } | null;
}

/** Null when the request may still execute; else the sentence saying what changed. */
export function bindingProblem(
  bound: { appName: string; params: ApprovalParams; binding: ApprovalBinding },
  current: CurrentTarget,
): string | null {
  const { params, binding } = bound;
  if (!current.app) return `The app ${bound.appName} no longer exists.`;
  if ("releaseId" in params) {
    if (!current.release) return `Release ${params.releaseNumber} of ${bound.appName} no longer exists: ask again.`;
    if (current.release.imageDigest !== params.imageDigest) {
      return `Release ${params.releaseNumber}'s image digest is not the one reviewed (${params.imageDigest}): ask again.`;
    }
  }
  const now = appFingerprint(current.app);
  if (now.fingerprint !== binding.appFingerprint) {
    const changed = Object.keys(now.fields).filter((name) => binding.fields?.[name] !== now.fields[name]);
    const which = binding.fields && changed.length > 0 ? ` (${changed.join(", ")})` : "";
    return `The app's settings changed after the request${which}: ask again.`;
  }
  if (current.liveDeploymentId !== binding.liveDeploymentId) {
    return current.liveDeploymentId
      ? `Another deployment went Live after the request (${current.liveDeploymentId}): ask again.`
      : "The deployment that was Live when it was asked is no longer Live: ask again.";
  }
  return null;
}

/** Reads the target as it is now, for bindingProblem. */
export async function currentTarget(
  db: Db,
  appId: string,
  params: ApprovalParams,
): Promise<Omit<CurrentTarget, "app">> {
  const [live, release] = await Promise.all([
    liveDeploymentId(db, appId),
    "releaseId" in params
      ? db.release.findFirst({ where: { id: params.releaseId, appId }, select: { id: true, imageDigest: true } })
      : Promise.resolve(null),
  ]);
  return { liveDeploymentId: live, release };
}
