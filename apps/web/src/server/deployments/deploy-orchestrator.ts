// Runs deployments, one at a time per app, through Queued → Pulling → Starting → HealthChecking →
// Live (or Failed). The portal owns the steps and the agent executes each one (decision 008), so a
// restart of either side leaves a state the reconciler can finish: see recoverAtStartup() and
// reconciler.ts. On failure the old release keeps serving and the new containers are removed.
import type { EventEmitter } from "node:events";
import { type DeploymentKind, RUNNING_DEPLOYMENT_STATUSES } from "@wheelhouse/shared";
import type { AppRecord } from "../apps/app-record";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import { AppError, reasonOf } from "../errors/app-error";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { SignalIntake } from "../incidents/signal-intake";
import type { HealthWatch } from "../live-health/health-watch";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";
import type { Notifier } from "../notifications/notify";
import type { PortalEvents } from "../services";
import { appendLog, transition } from "./deployment-records";
import type { NginxSync } from "./nginx-sync";
import { awaitHealthy } from "./steps/await-healthy";
import { DeploymentFailed, openRun } from "./steps/deployment-run";
import { drainAndStop } from "./steps/drain-and-stop";
import { failDeployment, markActiveInstances, reportDeploymentFailed } from "./steps/fail-deployment";
import { resolveAndRelease } from "./steps/resolve-release";
import { startInstances } from "./steps/start-instances";
import { switchTraffic } from "./steps/switch-traffic";

export interface DeployRequest {
  kind: DeploymentKind;
  /** deploy: the image to release. */
  imageRef?: string;
  /** rollback, restart, scale: the release to run. */
  releaseId?: string;
  replicas?: number;
  reason: string | null;
  actor: { id: string; email: string } | null;
  /** Who asked when it was no person (the registry hook): shown where a person's email would be. */
  requestedBy?: string;
}

interface Dependencies {
  db: Db;
  agents: AgentRegistry;
  logger: Logger;
  secrets: SecretBox;
  events: EventEmitter<PortalEvents>;
  metrics: Pick<PortalMetrics, "deployments" | "deploymentDuration">;
  nginx: NginxSync;
  /** Failed deployments raise `deployment.failed` (steps/fail-deployment.ts). */
  signals: Pick<SignalIntake, "raise">;
  /** Failed deployments are sent to the team's `deployment.failed` webhooks. */
  notifier: Notifier;
  /** Live health: each host is told its live instances once they change (absent in unit tests). */
  health?: Pick<HealthWatch, "syncAll">;
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
        requestedByEmail: request.actor?.email ?? request.requestedBy ?? null,
        transitions: { create: { status: "Queued", at: new Date() } },
      },
    });
    await appendLog(
      db,
      deployment.id,
      `${request.kind} requested by ${request.actor?.email ?? request.requestedBy ?? "the system"}`,
    );
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
      where: { status: statusIn(RUNNING_DEPLOYMENT_STATUSES) },
      include: { app: { select: { id: true, teamId: true, name: true, environment: true } } },
    });
    for (const deployment of interrupted) {
      const reason = `The portal restarted during ${deployment.status}; this deployment was stopped and its new containers are removed. The previous release keeps serving.`;
      await markActiveInstances(db, deployment.id, "Failed", "the portal restarted during the deployment");
      await appendLog(db, deployment.id, reason);
      await transition(db, deployment.id, "Failed", { failureReason: reason });
      this.deps.metrics.deployments.inc({ kind: deployment.kind, outcome: "failed" });
      logger.warn({ deploymentId: deployment.id }, "deployment interrupted by a portal restart marked failed");
      this.changed(deployment.app.teamId, deployment.id);
      await reportDeploymentFailed(this.deps, deployment.app, deployment, reason);
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

  /**
   * One deployment, as the list of its steps (steps/): each moves it on or throws, and any throw
   * fails it with the old release still serving.
   */
  private async run(deploymentId: string, teamId: string): Promise<void> {
    const { logger, metrics } = this.deps;
    const run = await openRun(this.deps, deploymentId, teamId);
    let outcome: "live" | "failed" = "failed";
    try {
      const release = await resolveAndRelease(run);
      const instances = await startInstances(run, release);
      await awaitHealthy(run, instances, release);
      const replaced = await switchTraffic(run);
      outcome = "live";
      // The new instances are probed from now on; the replaced ones are forgotten after the drain.
      await this.deps.health?.syncAll(run.app.hostIds);
      await drainAndStop(run, replaced);
      await this.deps.health?.syncAll(new Set([...run.app.hostIds, ...replaced.map((i) => i.hostId)]));
    } catch (error) {
      const expected = error instanceof DeploymentFailed || error instanceof AppError;
      if (!expected) logger.error({ err: error, deploymentId }, "deployment failed unexpectedly");
      await failDeployment(run, expected ? error.message : `Unexpected error: ${reasonOf(error)}`);
    } finally {
      const kind = run.deployment.kind;
      metrics.deployments.inc({ kind, outcome });
      metrics.deploymentDuration.observe({ kind, outcome }, (Date.now() - run.startedAt) / 1000);
    }
  }
}
