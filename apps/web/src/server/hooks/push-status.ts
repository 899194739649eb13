// "Pushed but not deployed": the facts about an app's image a person (or a runbook) checks when a
// push did not become a release. These are the automatic steps of seed 002's runbook "I pushed and
// nothing happened" (issue 13 runs them as its first steps): the last push notification received for
// the app's image and tag, auto-deploy on or off, the live release's and the last deployment's
// digests, and, when asked, the tag's current digest in the registry (agent command
// image.remote-digest on one of the app's hosts, with the team's login for that registry).
import {
  ACTIVE_DEPLOYMENT_STATUSES,
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATUSES,
  digestPart,
  effectiveTag,
  type ImageStatus,
  inStatusGroup,
  parseImageReference,
  repositoryOf,
  shortDigest,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { AppRecord } from "../apps/app-record";
import { getApp } from "../apps/apps";
import { reasonOf } from "../errors/app-error";
import { loginForImage } from "../registries/registry-logins";
import type { PortalServices } from "../services";

type Services = Pick<PortalServices, "db" | "secrets" | "agents">;

/** Asking a registry for a manifest's digest is one HEAD request; a slow registry is an answer too. */
const REMOTE_DIGEST_TIMEOUT_MS = 20_000;

type Facts = Omit<ImageStatus, "verdict">;

async function lastPushOf(services: Services, app: AppRecord, repository: string | null, tag: string | null) {
  if (!repository || !tag) return null;
  const row = await services.db.registryPush.findFirst({
    where: { teamId: app.teamId, repository, tag },
    orderBy: { receivedAt: "desc" },
  });
  return row ? { receivedAt: row.receivedAt.toISOString(), digest: row.digest, deployments: row.deployments } : null;
}

async function liveOf(services: Services, app: AppRecord) {
  const live = await services.db.deployment.findFirst({
    where: { appId: app.id, status: "Live" },
    select: { release: { select: { number: true, imageDigest: true } } },
  });
  return live?.release ? { releaseNumber: live.release.number, digest: digestPart(live.release.imageDigest) } : null;
}

async function lastDeploymentOf(services: Services, app: AppRecord): Promise<Facts["lastDeployment"]> {
  const row = await services.db.deployment.findFirst({
    where: { appId: app.id },
    orderBy: { createdAt: "desc" },
    include: { release: { select: { number: true, imageDigest: true } } },
  });
  if (!row) return null;
  // A pinned deploy names its digest before it has a release; a tag gets one only once resolved.
  const named = digestPart(row.imageRef);
  return {
    id: row.id,
    kind: z.enum(DEPLOYMENT_KINDS).parse(row.kind),
    status: z.enum(DEPLOYMENT_STATUSES).parse(row.status),
    releaseNumber: row.release?.number ?? null,
    digest: row.release ? digestPart(row.release.imageDigest) : named.startsWith("sha256:") ? named : null,
    requestedBy: row.requestedByEmail,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The tag's digest in the registry now, asked through the first connected host of the app. */
async function askRegistry(services: Services, app: AppRecord): Promise<NonNullable<Facts["registry"]>> {
  const hostId = app.hostIds.find((id) => services.agents.get(id));
  if (!hostId) {
    return { digest: null, error: "no agent of the app's hosts is connected to ask the registry", hostName: null };
  }
  const host = await services.db.host.findUnique({ where: { id: hostId }, select: { name: true } });
  const hostName = host?.name ?? hostId;
  try {
    const login = await loginForImage(services.db, services.secrets, app.teamId, app.image);
    const answer = await services.agents.command(
      hostId,
      "image.remote-digest",
      { ref: app.image, ...(login ? { login } : {}) },
      { timeoutMs: REMOTE_DIGEST_TIMEOUT_MS },
    );
    return { digest: digestPart(answer.digest), error: null, hostName };
  } catch (error) {
    return { digest: null, error: reasonOf(error), hostName };
  }
}

/** One sentence saying what the facts mean together, and what to do about it. */
export function imageVerdict(facts: Facts): string {
  const { tag, repository, autoDeploy, lastPush, live, lastDeployment, registry } = facts;
  if (!repository) return "The app runs a local image id: no registry and no push concern it.";
  if (!tag) return `The image is pinned to ${shortDigest(facts.image)}: pushes of a tag do not change it.`;
  const named = `${repository}:${tag}`;
  const failedNote = lastDeployment?.status === "Failed" ? " The last deployment failed; its log says why." : "";
  const autoNote = autoDeploy ? "" : " Auto-deploy is off: deploy it, or turn auto-deploy on in the app's settings.";
  const newest = registry?.digest ?? lastPush?.digest ?? null;
  const source = registry?.digest ? "The registry's latest" : "The last push";
  const registryNote = registry?.error ? ` The registry could not be asked: ${registry.error}.` : "";
  if (!newest) {
    const hint = autoDeploy
      ? ` No push notification for ${named} has reached Wheelhouse: check the registry's notifications endpoint and the hook token (Settings → Registries).`
      : ` No push notification for ${named} has reached Wheelhouse, and auto-deploy is off.`;
    return `${live ? `Release #${live.releaseNumber} is live (${shortDigest(live.digest)}).` : "Nothing is live yet."}${hint}${registryNote}${failedNote}`;
  }
  if (live?.digest === newest) {
    return `The live release #${live.releaseNumber} runs ${source.toLowerCase()} for ${named} (${shortDigest(newest)}).${registryNote}`;
  }
  const running = lastDeployment?.digest === newest && inStatusGroup(ACTIVE_DEPLOYMENT_STATUSES, lastDeployment.status);
  if (running)
    return `A deployment of ${shortDigest(newest)} (${source.toLowerCase()} for ${named}) is ${lastDeployment.status}.`;
  const liveText = live
    ? `the live release #${live.releaseNumber} runs ${shortDigest(live.digest)}`
    : "nothing is live";
  let why = autoNote;
  if (autoDeploy) {
    if (!lastPush || lastPush.digest !== newest) {
      why =
        " Auto-deploy is on but no push notification for it reached Wheelhouse: check the registry's notifications endpoint and the hook token (Settings → Registries).";
    } else if (lastPush.deployments === 0) {
      why = " Auto-deploy is on, and the push notification arrived but started no deployment.";
    }
  }
  return `${source} for ${named} is ${shortDigest(newest)} but ${liveText}.${why}${registryNote}${failedNote}`;
}

/** The image facts of one app of the team; `askRegistry` also asks the registry (takes a moment). */
export async function imageStatus(
  services: Services,
  teamId: string,
  name: string,
  options: { askRegistry: boolean },
): Promise<ImageStatus> {
  const app = await getApp(services.db, teamId, name);
  const ref = parseImageReference(app.image);
  const repository = repositoryOf(app.image);
  const tag = ref ? effectiveTag(ref) : null;
  const [lastPush, live, lastDeployment, registry] = await Promise.all([
    lastPushOf(services, app, repository, tag),
    liveOf(services, app),
    lastDeploymentOf(services, app),
    options.askRegistry && repository && tag ? askRegistry(services, app) : Promise.resolve(null),
  ]);
  const facts: Facts = {
    image: app.image,
    repository,
    tag,
    pullPolicy: app.pullPolicy,
    autoDeploy: app.autoDeploy,
    lastPush,
    live,
    lastDeployment,
    registry,
  };
  return { ...facts, verdict: imageVerdict(facts) };
}
