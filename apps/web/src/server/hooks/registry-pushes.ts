// Deploy on push: what a registry's push notification does once its token named the team. Each
// manifest push by tag is recorded once per registry event id; only the request whose insert of
// that row won deploys, so a retried or doubled notification deploys once (decision 027). Every
// app of the team with auto-deploy on whose image is the pushed repository and tag then gets a
// deploy of exactly repository@digest, audited as done by the registry hook.
import {
  digestPart,
  effectiveTag,
  isDigest,
  parseImageReference,
  RELEASE_IN_USE_DEPLOYMENT_STATUSES,
  type RegistryEvent,
  type RegistryHookAnswer,
  registryEventSchema,
  repositoryOf,
  shortDigest,
} from "@wheelhouse/shared";
import { isUniqueViolation } from "../apps/app-domains";
import { type AppRecord, appInclude, toAppRecord } from "../apps/app-record";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import { requestPinnedDeploy } from "../deployments/deployment-requests";
import type { PortalServices } from "../services";

/** How the hook appears where a person would: deployments' "requested by", the audit's "who". */
export const REGISTRY_HOOK_ACTOR = "registry hook";

/** Who sent the notification: the team its token named, the token's prefix, the sender's address. */
export interface PushSource {
  teamId: string;
  tokenPrefix: string;
  ip: string;
}

/** A manifest push by tag, with its repository as image references name it (host[:port]/path). */
interface Push {
  eventId: string;
  repository: string;
  tag: string;
  digest: string;
}

/** The events that are manifest pushes by tag; pulls, blob pushes and pushes by digest are none. */
function pushesIn(events: readonly unknown[]): { pushes: Push[]; malformed: number } {
  const pushes: Push[] = [];
  let malformed = 0;
  for (const raw of events) {
    const parsed = registryEventSchema.safeParse(raw);
    if (!parsed.success) {
      malformed += 1;
      continue;
    }
    const push = asPush(parsed.data);
    if (push) pushes.push(push);
  }
  return { pushes, malformed };
}

function asPush(event: RegistryEvent): Push | null {
  const { target } = event;
  if (event.action !== "push" || !target.tag || !isDigest(target.digest)) return null;
  const repository = repositoryOf(`${event.request.host}/${target.repository}`);
  if (!repository) return null;
  return { eventId: event.id, repository, tag: target.tag, digest: target.digest };
}

/** The row that makes this event the team's, or false when another request recorded it first. */
async function recordOnce(db: Db, teamId: string, push: Push): Promise<{ id: string } | false> {
  try {
    return await db.registryPush.create({
      data: { teamId, eventId: push.eventId, repository: push.repository, tag: push.tag, digest: push.digest },
      select: { id: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** The team's apps that opted in and name this repository and tag (however the image is spelt). */
async function subscribers(db: Db, teamId: string, push: Push): Promise<AppRecord[]> {
  const rows = await db.app.findMany({ where: { teamId, autoDeploy: true }, include: appInclude });
  return rows.map(toAppRecord).filter((app) => {
    const ref = parseImageReference(app.image);
    return ref !== null && repositoryOf(app.image) === push.repository && effectiveTag(ref) === push.tag;
  });
}

/** Why deploying `digest` would change nothing: it is live, or a deployment of it is on its way. */
async function alreadyThere(db: Db, appId: string, digest: string): Promise<string | null> {
  const rows = await db.deployment.findMany({
    where: { appId, status: statusIn(RELEASE_IN_USE_DEPLOYMENT_STATUSES) },
    select: { status: true, imageRef: true, release: { select: { number: true, imageDigest: true } } },
  });
  for (const row of rows) {
    if (digestPart(row.release?.imageDigest ?? row.imageRef) !== digest) continue;
    return row.status === "Live"
      ? `release #${row.release?.number ?? "?"} already runs ${shortDigest(digest)}`
      : `a deployment of ${shortDigest(digest)} is already ${row.status}`;
  }
  return null;
}

type PushServices = Pick<PortalServices, "db" | "deployments" | "logger">;

/**
 * Deploys one recorded push to every opted-in app that does not already run or deploy its digest,
 * then marks the row handled. Safe to run again for a row a crash left unhandled: an app whose
 * deploy was already requested is skipped as "already there".
 */
async function deployPush(
  services: PushServices,
  row: { id: string; teamId: string; eventId: string },
  push: Push,
  source: { tokenPrefix: string | null; ip: string | null },
  answer: Pick<RegistryHookAnswer, "deployments" | "skipped">,
): Promise<void> {
  const { db } = services;
  const pinned = `${push.repository}@${push.digest}`;
  let started = 0;
  for (const app of await subscribers(db, row.teamId, push)) {
    const already = await alreadyThere(db, app.id, push.digest);
    if (already) {
      answer.skipped.push({ app: app.name, reason: already });
      continue;
    }
    const deployment = await requestPinnedDeploy(services, app, {
      imageRef: pinned,
      reason: `pushed ${push.repository}:${push.tag} (${shortDigest(push.digest)})`,
      requestedBy: REGISTRY_HOOK_ACTOR,
    });
    started += 1;
    answer.deployments.push({ app: app.name, deploymentId: deployment.id, image: pinned });
    await recordAudit(db, {
      actor: null,
      actorName: REGISTRY_HOOK_ACTOR,
      teamId: row.teamId,
      action: "apps.deploy",
      target: { type: "app", id: app.id },
      outcome: "success",
      ip: source.ip,
      details: {
        name: app.name,
        image: pinned,
        deploymentId: deployment.id,
        via: REGISTRY_HOOK_ACTOR,
        eventId: row.eventId,
        ...(source.tokenPrefix ? { tokenPrefix: source.tokenPrefix } : { resumedAtStartup: true }),
      },
    });
  }
  await db.registryPush.update({
    where: { id: row.id },
    data: { deployments: { increment: started }, handledAt: new Date() },
  });
}

/** Records the pushes of one envelope and deploys what they ask for; the hook's answer. */
export async function receivePushes(
  services: PushServices,
  source: PushSource,
  events: readonly unknown[],
): Promise<RegistryHookAnswer> {
  const { db, logger } = services;
  const { pushes, malformed } = pushesIn(events);
  if (malformed > 0) {
    logger.warn(
      { teamId: source.teamId, malformed },
      "registry notification events ignored: not the registry's event shape",
    );
  }
  const answer: RegistryHookAnswer = {
    events: events.length,
    pushes: pushes.length,
    duplicates: 0,
    deployments: [],
    skipped: [],
  };
  for (const push of pushes) {
    const row = await recordOnce(db, source.teamId, push);
    if (!row) {
      answer.duplicates += 1;
      continue;
    }
    await deployPush(services, { id: row.id, teamId: source.teamId, eventId: push.eventId }, push, source, answer);
  }
  return answer;
}

/**
 * Finishes pushes a previous run recorded but did not get to deploy (the portal stopped between the
 * insert and the deploys): the registry will not send them again, since its retry counts as a
 * duplicate. Run at start-up, after interrupted deployments are settled.
 */
export async function resumeUnhandledPushes(services: PushServices): Promise<number> {
  const rows = await services.db.registryPush.findMany({ where: { handledAt: null }, orderBy: { receivedAt: "asc" } });
  for (const row of rows) {
    const answer = { deployments: [], skipped: [] };
    await deployPush(services, row, row, { tokenPrefix: null, ip: null }, answer);
    services.logger.info(
      { eventId: row.eventId, repository: row.repository, tag: row.tag, deployments: answer.deployments.length },
      "a registry push recorded before the last stop was deployed now",
    );
  }
  return rows.length;
}
