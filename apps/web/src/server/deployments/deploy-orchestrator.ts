// Runs deployments, one at a time per app, through Queued → Pulling → Starting → HealthChecking →
// Live (or Failed). The portal owns the steps and the agent executes each one (decision 008), so a
// restart of either side leaves a state the reconciler can finish: see recoverAtStartup() and
// reconciler.ts. On failure the old release keeps serving and the new containers are removed.
import type { EventEmitter } from "node:events";
import type { DeploymentKind, DeploymentStatus, InstanceSpec } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import { toAppRecord } from "../apps/app-record";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";
import { planImageCleanup } from "../releases/image-retention";
import { readReleaseConfig } from "../releases/release-config";
import { createRelease } from "../releases/releases";
import type { PortalEvents } from "../services";
import {
  appendLog,
  containerOutputLine,
  isFinished,
  logWrite,
  transition,
  transitionWrites,
} from "./deployment-records";
import type { NginxSync } from "./nginx-sync";

/** Pulling an image can take minutes on a slow registry. */
const PULL_TIMEOUT_MS = 10 * 60_000;
const START_TIMEOUT_MS = 60_000;
const PROBE_INTERVAL_MS = 250;
/** Old instances get this long to finish on SIGTERM before the engine kills them. */
const STOP_GRACE_SECONDS = 10;
const LOG_MAX_SIZE = "10m";
const LOG_MAX_FILE = 3;

export interface DeployRequest {
  kind: DeploymentKind;
  /** deploy: the image to release. */
  imageRef?: string;
  /** rollback, restart, scale: the release to run. */
  releaseId?: string;
  replicas?: number;
  reason: string | null;
  actor: { id: string; email: string } | null;
}

interface Dependencies {
  db: Db;
  agents: AgentRegistry;
  logger: Logger;
  secrets: SecretBox;
  events: EventEmitter<PortalEvents>;
  metrics: Pick<PortalMetrics, "deployments" | "deploymentDuration">;
  nginx: NginxSync;
  /** Tests only: lets a test hold the loop at a point where it could otherwise lose a wake-up. */
  hooks?: OrchestratorHooks;
}

export interface OrchestratorHooks {
  /** Called after an app's loop found no queued deployment and before it decides whether to end. */
  afterEmptyLook?(appId: string): Promise<void>;
}

/** One app's loop: `lookAgain` is set by a kick that arrives while the loop runs. */
interface AppLoop {
  done: Promise<void>;
  lookAgain: boolean;
}

class DeploymentFailed extends Error {}

export class DeployOrchestrator {
  /** appId → the loop working through that app's queue. */
  private readonly loops = new Map<string, AppLoop>();
  private stopped = false;

  constructor(private readonly deps: Dependencies) {}

  async request(app: AppRecord, request: DeployRequest) {
    const { db } = this.deps;
    const release = request.releaseId ? await db.release.findUnique({ where: { id: request.releaseId } }) : null;
    const imageRef = request.imageRef ?? release?.imageRef;
    if (!imageRef) throw new AppError("BAD_INPUT", "Name the image to deploy.");
    // The number of instances is an operating choice (scale), not part of a release: a rollback or a
    // restart keeps the app's current count.
    const replicas = request.replicas ?? app.replicas;
    const deployment = await db.deployment.create({
      data: {
        appId: app.id,
        releaseId: release?.id ?? null,
        kind: request.kind,
        status: "Queued",
        imageRef,
        replicas,
        reason: request.reason,
        requestedById: request.actor?.id ?? null,
        requestedByEmail: request.actor?.email ?? null,
        transitions: { create: { status: "Queued", at: new Date() } },
      },
    });
    await appendLog(db, deployment.id, `${request.kind} requested by ${request.actor?.email ?? "the system"}`);
    this.changed(app.teamId, deployment.id);
    this.kick(app.id, app.teamId);
    return deployment;
  }

  /**
   * After a restart: deployments that were mid-way are failed cleanly (their containers are removed
   * by the reconciler when each agent reports in), and queued ones are started.
   */
  async recoverAtStartup(): Promise<void> {
    const { db, logger } = this.deps;
    const interrupted = await db.deployment.findMany({
      where: { status: { in: ["Pulling", "Starting", "HealthChecking"] } },
      include: { app: { select: { teamId: true } } },
    });
    for (const deployment of interrupted) {
      const reason = `The portal restarted during ${deployment.status}; this deployment was stopped and its new containers are removed. The previous release keeps serving.`;
      await this.markInstances(deployment.id, "Failed", "the portal restarted during the deployment");
      await appendLog(db, deployment.id, reason);
      await transition(db, deployment.id, "Failed", { failureReason: reason });
      this.deps.metrics.deployments.inc({ kind: deployment.kind, outcome: "failed" });
      logger.warn({ deploymentId: deployment.id }, "deployment interrupted by a portal restart marked failed");
      this.changed(deployment.app.teamId, deployment.id);
    }
    const queued = await db.deployment.findMany({
      where: { status: "Queued" },
      include: { app: { select: { id: true, teamId: true } } },
    });
    for (const deployment of queued) this.kick(deployment.app.id, deployment.app.teamId);
  }

  /** Resolves when every running loop has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.loops.size > 0) await Promise.allSettled([...this.loops.values()].map((loop) => loop.done));
  }

  stop(): void {
    this.stopped = true;
  }

  /**
   * Makes sure a loop works through the app's queue. A kick while the loop runs is never dropped: it
   * sets `lookAgain`, and the loop checks that flag and leaves the map in one synchronous step, so a
   * deployment queued after the loop's last look either makes it look again or starts a new loop.
   */
  private kick(appId: string, teamId: string): void {
    if (this.stopped) return;
    const running = this.loops.get(appId);
    if (running) {
      running.lookAgain = true;
      return;
    }
    const loop: AppLoop = { done: Promise.resolve(), lookAgain: false };
    this.loops.set(appId, loop);
    loop.done = this.drain(appId, teamId, loop)
      .catch((error: unknown) => this.deps.logger.error({ err: error, appId }, "deployment loop failed"))
      .finally(() => {
        // drain() normally leaves the map itself; this covers a stop or an error, never a newer loop.
        if (this.loops.get(appId) === loop) this.loops.delete(appId);
      });
  }

  private async drain(appId: string, teamId: string, loop: AppLoop): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      // Cleared before the look: a kick from here on may not be seen by the query, so it looks again.
      loop.lookAgain = false;
      const next = await this.deps.db.deployment.findFirst({
        where: { appId, status: "Queued" },
        orderBy: { createdAt: "asc" },
      });
      if (next) {
        await this.run(next.id, teamId);
        continue;
      }
      await this.deps.hooks?.afterEmptyLook?.(appId);
      if (!loop.lookAgain) {
        this.loops.delete(appId);
        return;
      }
    }
  }

  private changed(teamId: string, deploymentId: string): void {
    this.deps.events.emit("deploymentChanged", teamId, deploymentId);
  }

  private async step(teamId: string, deploymentId: string, status: DeploymentStatus, line: string): Promise<void> {
    const { db } = this.deps;
    await db.$transaction([...transitionWrites(db, deploymentId, status), logWrite(db, deploymentId, line)]);
    this.changed(teamId, deploymentId);
  }

  private async markInstances(deploymentId: string, status: "Failed" | "Stopped", reason: string | null) {
    await this.deps.db.containerInstance.updateMany({
      where: { deploymentId, status: { in: ["Starting", "Healthy", "Unhealthy"] } },
      data: { status, failureReason: reason },
    });
  }

  private async run(deploymentId: string, teamId: string): Promise<void> {
    const { db, logger, metrics } = this.deps;
    const started = Date.now();
    const deployment = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    const app = toAppRecord(await db.app.findUniqueOrThrow({ where: { id: deployment.appId } }));
    const hostNames = new Map(
      (await db.host.findMany({ where: { id: { in: app.hostIds } }, select: { id: true, name: true } })).map((h) => [
        h.id,
        h.name,
      ]),
    );
    const hostName = (id: string) => hostNames.get(id) ?? id;
    let outcome: "live" | "failed" = "failed";
    try {
      const hostIds = app.hostIds;
      const offline = hostIds.filter((id) => !this.deps.agents.get(id));
      if (offline.length > 0) {
        throw new DeploymentFailed(
          `The agent on ${offline.map(hostName).join(", ")} is not connected; nothing was changed.`,
        );
      }

      // Pulling: make sure every host has the image, and pin it to a digest.
      await this.step(
        teamId,
        deploymentId,
        "Pulling",
        `Pulling ${deployment.imageRef} on ${hostIds.map(hostName).join(", ")}`,
      );
      let release = deployment.releaseId
        ? await db.release.findUniqueOrThrow({ where: { id: deployment.releaseId } })
        : null;
      const wanted = release?.imageDigest ?? deployment.imageRef;
      const resolved = await Promise.all(
        hostIds.map((hostId) =>
          this.deps.agents
            .command(hostId, "image.resolve", { ref: wanted }, { timeoutMs: PULL_TIMEOUT_MS })
            .catch((error: unknown) => {
              throw new DeploymentFailed(`Could not get ${wanted} on ${hostName(hostId)}: ${(error as Error).message}`);
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
          db.deployment.update({ where: { id: deploymentId }, data: { releaseId: release.id } }),
          logWrite(db, deploymentId, `Release ${release.number}: ${release.imageRef} → ${release.imageDigest}`),
        ]);
      } else {
        await appendLog(db, deploymentId, `Release ${release.number}: ${release.imageDigest}`);
      }
      const config = readReleaseConfig(release.config);
      const env = { ...config.env };
      for (const [key, sealed] of Object.entries(config.sealedSecrets)) env[key] = this.deps.secrets.open(sealed);

      // Starting: the new instances, next to the old ones.
      await this.step(teamId, deploymentId, "Starting", `Starting ${deployment.replicas} instance(s) on each host`);
      const newInstances: { id: string; hostId: string; containerId: string; name: string; hostPort: number }[] = [];
      for (const hostId of hostIds) {
        for (let index = 0; index < deployment.replicas; index += 1) {
          // The row exists before the container does: whatever happens next, the reconciler knows it is ours.
          const instance = await db.containerInstance.create({
            data: { appId: app.id, deploymentId, releaseId: release.id, hostId, status: "Starting" },
          });
          const spec: InstanceSpec = {
            instanceId: instance.id,
            hostId,
            appId: app.id,
            appName: app.name,
            releaseId: release.id,
            releaseNumber: release.number,
            deploymentId,
            image: release.imageDigest,
            containerPort: config.port,
            network: config.network,
            env,
            restartPolicy: config.restartPolicy,
            logMaxSize: LOG_MAX_SIZE,
            logMaxFile: LOG_MAX_FILE,
          };
          const result = await this.deps.agents
            .command(hostId, "app.instance.start", spec, { timeoutMs: START_TIMEOUT_MS })
            .catch((error: unknown) => {
              throw new DeploymentFailed(
                `Could not start an instance on ${hostName(hostId)}: ${(error as Error).message}`,
              );
            });
          await db.$transaction([
            db.containerInstance.update({
              where: { id: instance.id },
              data: { containerId: result.containerId, containerName: result.name, hostPort: result.hostPort },
            }),
            logWrite(db, deploymentId, `Started ${result.name} on ${hostName(hostId)}, port ${result.hostPort}`),
          ]);
          newInstances.push({ id: instance.id, hostId, ...result });
        }
      }

      // HealthChecking: every new instance answers its health path, or the deployment fails.
      await this.step(
        teamId,
        deploymentId,
        "HealthChecking",
        `Waiting for ${config.healthPath} to answer (up to ${config.healthTimeoutSeconds} s)`,
      );
      const timeoutMs = config.healthTimeoutSeconds * 1000;
      const checks = await Promise.all(
        newInstances.map(async (instance) => {
          const result = await this.deps.agents
            .command(
              instance.hostId,
              "app.instance.await-healthy",
              {
                containerId: instance.containerId,
                hostPort: instance.hostPort,
                path: config.healthPath,
                timeoutMs,
                intervalMs: PROBE_INTERVAL_MS,
              },
              { timeoutMs: timeoutMs + 15_000 },
            )
            .catch((error: unknown) => ({
              healthy: false as const,
              reason: `the agent on ${hostName(instance.hostId)} did not finish the health check: ${(error as Error).message}`,
              logTail: [] as string[],
            }));
          await db.containerInstance.update({
            where: { id: instance.id },
            data: result.healthy
              ? { status: "Healthy" }
              : { status: "Failed", failureReason: result.reason.slice(0, 1_000) },
          });
          return { instance, result };
        }),
      );
      const failed = checks.find((check) => !check.result.healthy);
      if (failed && !failed.result.healthy) {
        await appendLog(
          db,
          deploymentId,
          `${failed.instance.name} on ${hostName(failed.instance.hostId)}: ${failed.result.reason}`,
          ...(failed.result.logTail.length > 0
            ? ["Last log lines:", ...failed.result.logTail.map(containerOutputLine)]
            : []),
        );
        throw new DeploymentFailed(`${failed.instance.name} is not healthy: ${failed.result.reason}`);
      }
      await appendLog(
        db,
        deploymentId,
        ...checks.flatMap(({ instance, result }) =>
          result.healthy ? [`${instance.name} healthy after ${(result.afterMs / 1000).toFixed(1)} s`] : [],
        ),
      );

      // What the switch replaces, read before it: deployments of one app run one at a time, so
      // neither set changes meanwhile, and the switch's writes then go in one transaction.
      const previous = await db.deployment.findMany({ where: { appId: app.id, status: "Live" }, select: { id: true } });
      const old = await db.containerInstance.findMany({
        where: {
          appId: app.id,
          deploymentId: { not: deploymentId },
          status: { in: ["Starting", "Healthy", "Unhealthy"] },
        },
      });

      // Switch: nginx sends new requests to the new instances (validated, reloaded), then Live.
      if (app.domains.length > 0) {
        await this.deps.nginx.switchTo(app.id, deploymentId, hostIds).catch((error: unknown) => {
          throw new DeploymentFailed(`nginx did not take the new instances: ${(error as Error).message}`);
        });
      }
      await db.$transaction([
        ...(app.domains.length > 0
          ? [logWrite(db, deploymentId, `nginx now sends ${app.domains.join(", ")} to the new instances`)]
          : []),
        ...previous.flatMap((live) => transitionWrites(db, live.id, "Superseded")),
        ...transitionWrites(db, deploymentId, "Live"),
      ]);
      this.deps.nginx.switched(app.id);
      outcome = "live";
      this.changed(teamId, deploymentId);

      // Drain: the old instances stop after nginx has moved on.
      await this.removeInstances(old, "Stopped", null);
      await appendLog(
        db,
        deploymentId,
        `${old.length} previous instance(s) stopped. Live in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      this.changed(teamId, deploymentId);
      await this.cleanUpImages(app, deploymentId, hostIds, hostName);
    } catch (error) {
      const reason =
        error instanceof DeploymentFailed || error instanceof AppError
          ? error.message
          : `Unexpected error: ${(error as Error).message}`;
      if (!(error instanceof DeploymentFailed || error instanceof AppError)) {
        logger.error({ err: error, deploymentId }, "deployment failed unexpectedly");
      }
      await this.fail(teamId, deploymentId, reason);
    } finally {
      metrics.deployments.inc({ kind: deployment.kind, outcome });
      metrics.deploymentDuration.observe({ kind: deployment.kind, outcome }, (Date.now() - started) / 1000);
    }
  }

  /** Best effort: old images of releases no longer kept go; a failure here never fails the deployment. */
  private async cleanUpImages(
    app: AppRecord,
    deploymentId: string,
    hostIds: string[],
    hostName: (id: string) => string,
  ): Promise<void> {
    const { db } = this.deps;
    try {
      const releases = await db.release.findMany({
        where: { app: { teamId: app.teamId } },
        select: { id: true, appId: true, number: true, imageDigest: true },
      });
      const busy = await db.deployment.findMany({
        where: {
          app: { teamId: app.teamId },
          status: { in: ["Live", "Queued", "Pulling", "Starting", "HealthChecking"] },
        },
        select: { releaseId: true },
      });
      const inUse = new Set(busy.flatMap((d) => (d.releaseId ? [d.releaseId] : [])));
      const plan = planImageCleanup(releases.map((r) => ({ ...r, inUse: inUse.has(r.id) })));
      const mine = new Set(releases.filter((r) => r.appId === app.id).map((r) => r.imageDigest));
      const candidates = plan.candidates.filter((digest) => mine.has(digest));
      if (candidates.length === 0) return;
      for (const hostId of hostIds) {
        const result = await this.deps.agents.command(
          hostId,
          "image.remove-unused",
          { candidates, keep: plan.keep },
          { timeoutMs: 120_000 },
        );
        if (result.removed.length > 0) {
          await appendLog(db, deploymentId, `Removed ${result.removed.length} old image(s) on ${hostName(hostId)}`);
        }
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, appId: app.id }, "could not clean up old images");
    }
  }

  private async fail(teamId: string, deploymentId: string, reason: string): Promise<void> {
    const { db } = this.deps;
    const current = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { status: true } });
    if (isFinished(current.status)) return;
    const mine = await db.containerInstance.findMany({
      where: {
        deploymentId,
        status: { in: ["Starting", "Healthy", "Unhealthy", "Failed"] },
        containerId: { not: null },
      },
    });
    await appendLog(
      db,
      deploymentId,
      `Failed: ${reason}`,
      "Removing the new containers; the previous release keeps serving.",
    );
    await this.removeInstances(mine, "Failed", null);
    await this.markInstances(deploymentId, "Failed", reason.slice(0, 1_000));
    await transition(db, deploymentId, "Failed", { failureReason: reason.slice(0, 4_000) });
    this.changed(teamId, deploymentId);
  }

  /**
   * Stops and removes instances, host by host. The status is written first, so the reconciler never
   * mistakes a container we are removing for one that vanished. A host that cannot be reached keeps
   * its containers for now; the reconciler removes them when its agent reports in.
   */
  private async removeInstances(
    instances: { id: string; hostId: string; containerId: string | null; status: string }[],
    status: "Stopped" | "Failed",
    reason: string | null,
  ): Promise<void> {
    await this.deps.db.containerInstance.updateMany({
      where: { id: { in: instances.map((i) => i.id) }, status: { not: "Failed" } },
      data: { status, ...(reason ? { failureReason: reason } : {}) },
    });
    const byHost = new Map<string, typeof instances>();
    for (const instance of instances) byHost.set(instance.hostId, [...(byHost.get(instance.hostId) ?? []), instance]);
    await Promise.all(
      [...byHost].map(async ([hostId, list]) => {
        const ids = list.flatMap((i) => (i.containerId ? [i.containerId] : []));
        if (ids.length === 0) return;
        try {
          await this.deps.agents.command(
            hostId,
            "app.instance.remove",
            { containerIds: ids, stopTimeoutSeconds: STOP_GRACE_SECONDS },
            { timeoutMs: (STOP_GRACE_SECONDS + 30) * 1000 },
          );
        } catch (error) {
          this.deps.logger.warn({ err: error, hostId }, "could not remove instances now; the reconciler will");
        }
      }),
    );
  }
}
