// What a person asks of an app's running state: deploy an image, roll back to a release, restart,
// scale. Each checks its rule, writes what the app's desired state needs, and queues a deployment
// with the orchestrator, which does the work (deploy-orchestrator.ts). Both the direct path and an
// approved request (approvals/approval-actions.ts runAction) come through these, so they cannot drift.
import type { Deployment } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import { getApp, updateApp } from "../apps/apps";
import { refuseIfLive, requireLiveRelease } from "../releases/live-release";
import { findRelease } from "../releases/releases";
import type { PortalServices } from "../services";
import { getDeployment } from "./deployment-reads";

type Services = Pick<PortalServices, "db" | "secrets" | "deployments">;

/** The person asking: the deployment records them, and the app is looked up in their team. */
export interface Requester {
  id: string;
  email: string;
  team: { id: string };
}

interface Requested {
  app: AppRecord;
  deployment: Deployment;
}

async function queued(services: Services, requester: Requester, deploymentId: string): Promise<Deployment> {
  return getDeployment(services.db, requester.team.id, deploymentId);
}

/** A deploy naming another image changes the app's image first, so later deploys keep it. */
export async function requestDeploy(
  services: Services,
  requester: Requester,
  input: { name: string; image?: string | undefined; reason?: string | undefined },
): Promise<Requested> {
  const { db, secrets } = services;
  let app = await getApp(db, requester.team.id, input.name);
  if (input.image && input.image !== app.image) {
    app = (await updateApp(db, secrets, requester.team.id, { name: app.name, image: input.image })).app;
  }
  const created = await services.deployments.request(app, {
    kind: "deploy",
    imageRef: app.image,
    reason: input.reason ?? null,
    actor: requester,
  });
  return { app, deployment: await queued(services, requester, created.id) };
}

/** Runs an earlier release's exact digest and configuration again; the live one is refused. */
export async function requestRollback(
  services: Services,
  requester: Requester,
  input: { name: string; releaseNumber: number; reason?: string | undefined },
): Promise<Requested & { release: { number: number; imageDigest: string } }> {
  const { db } = services;
  const app = await getApp(db, requester.team.id, input.name);
  const release = await findRelease(db, app, input.releaseNumber);
  await refuseIfLive(db, app, release);
  const created = await services.deployments.request(app, {
    kind: "rollback",
    releaseId: release.id,
    reason: input.reason ?? `rollback to release ${release.number}`,
    actor: requester,
  });
  return { app, release, deployment: await queued(services, requester, created.id) };
}

/** Fresh instances of the live release. */
export async function requestRestart(
  services: Services,
  requester: Requester,
  input: { name: string; reason?: string | undefined },
): Promise<Requested> {
  const app = await getApp(services.db, requester.team.id, input.name);
  const live = await requireLiveRelease(services.db, app, "restart");
  const created = await services.deployments.request(app, {
    kind: "restart",
    releaseId: live,
    reason: input.reason ?? null,
    actor: requester,
  });
  return { app, deployment: await queued(services, requester, created.id) };
}

/** The live release with another number of instances; the app keeps the number for later deploys. */
export async function requestScale(
  services: Services,
  requester: Requester,
  input: { name: string; replicas: number },
): Promise<Requested> {
  const { db, secrets } = services;
  const current = await getApp(db, requester.team.id, input.name);
  const live = await requireLiveRelease(db, current, "scale");
  const { app } = await updateApp(db, secrets, requester.team.id, { name: current.name, replicas: input.replicas });
  const created = await services.deployments.request(app, {
    kind: "scale",
    releaseId: live,
    replicas: input.replicas,
    reason: `scale to ${input.replicas}`,
    actor: requester,
  });
  return { app, deployment: await queued(services, requester, created.id) };
}

/**
 * A deploy of exactly `imageRef` (repo@sha256:…) that leaves the app's image as it is, so an app on
 * `shop:latest` stays on the tag and the next push deploys again. Asked by no person: the registry
 * hook (hooks/registry-pushes.ts), named by `requestedBy`.
 */
export async function requestPinnedDeploy(
  services: Pick<Services, "deployments">,
  app: AppRecord,
  input: { imageRef: string; reason: string; requestedBy: string },
): Promise<{ id: string }> {
  return services.deployments.request(app, {
    kind: "deploy",
    imageRef: input.imageRef,
    reason: input.reason,
    actor: null,
    requestedBy: input.requestedBy,
  });
}
