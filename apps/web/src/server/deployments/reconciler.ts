// Makes a host match the database after anything was interrupted: when an agent sends its full
// inventory (on every connect), containers labelled as ours that no active instance claims are
// removed, instances whose container vanished are marked, and nginx is re-applied. Every write is
// scoped to the reporting host: what an agent reports may name anything, true or not.
import {
  ACTIVE_INSTANCE_STATUSES,
  APP_LABELS,
  CHECKED_INSTANCE_STATUSES,
  inStatusGroup,
  RELEASE_IN_USE_DEPLOYMENT_STATUSES,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { InventoryStore } from "../hosts/docker-inventory";
import type { HealthWatch } from "../live-health/health-watch";
import type { Logger } from "../logging/logger";
import type { NginxSync } from "./nginx-sync";

export interface ReconcileResult {
  removed: string[];
  vanished: string[];
  /** Live instances that went out of (or back into) service with their container's state. */
  changed: string[];
  nginx: "applied" | "failed" | "skipped";
}

export class Reconciler {
  private readonly running = new Map<string, Promise<ReconcileResult>>();

  constructor(
    private readonly deps: {
      db: Db;
      agents: AgentRegistry;
      inventory: InventoryStore;
      nginx: NginxSync;
      /** Live health: the host's watch list is sent again after every pass (the pass runs on each connect). */
      health?: Pick<HealthWatch, "sync">;
      logger: Logger;
    },
  ) {}

  /** One pass per host at a time; a request during a pass waits for it and then runs again. */
  reconcileHost(hostId: string): Promise<ReconcileResult> {
    const previous = this.running.get(hostId) ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(() => this.pass(hostId));
    this.running.set(hostId, next);
    next
      .finally(() => {
        if (this.running.get(hostId) === next) this.running.delete(hostId);
      })
      .catch(() => undefined);
    return next;
  }

  private async pass(hostId: string): Promise<ReconcileResult> {
    const { db, agents, inventory, logger } = this.deps;
    const result: ReconcileResult = { removed: [], vanished: [], changed: [], nginx: "skipped" };
    const report = inventory.get(hostId);
    if (!report?.syncedAt || !agents.get(hostId)) return result;
    // Only what this host's agent made: other agents may share the engine (a second portal, tests).
    const ours = [...report.containers.values()].filter(
      (c) => c.labels[APP_LABELS.managed] === "1" && c.labels[APP_LABELS.host] === hostId,
    );
    const instanceIds = ours.flatMap((c) => c.labels[APP_LABELS.instance] ?? []);
    const claimed = await db.containerInstance.findMany({
      where: { id: { in: instanceIds }, hostId, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
      include: { deployment: { select: { status: true } } },
    });
    // An active instance is claimed if its deployment is running now or live.
    const keep = new Set(
      claimed.filter((i) => inStatusGroup(RELEASE_IN_USE_DEPLOYMENT_STATUSES, i.deployment.status)).map((i) => i.id),
    );
    const orphans = ours.filter((c) => !keep.has(c.labels[APP_LABELS.instance] ?? ""));
    // The engine is already removing these: asking again each pass would only repeat the request.
    const toRemove = orphans.filter((c) => c.state !== "removing");
    if (orphans.length > 0) {
      try {
        const { removed } =
          toRemove.length === 0
            ? { removed: [] }
            : await agents.command(
                hostId,
                "app.instance.remove",
                { containerIds: toRemove.map((c) => c.id), stopTimeoutSeconds: 10 },
                { timeoutMs: 60_000 },
              );
        result.removed = removed;
        if (removed.length > 0) {
          logger.info({ hostId, containers: toRemove.map((c) => c.name) }, "removed containers no deployment claims");
        }
      } catch (error) {
        logger.warn({ err: error, hostId }, "could not remove orphaned containers");
      }
      // The ids come from labels the agent reports: only this host's instances may follow them, or
      // one agent could stop another host's instances by naming them.
      await db.containerInstance.updateMany({
        where: {
          id: { in: orphans.flatMap((c) => c.labels[APP_LABELS.instance] ?? []) },
          hostId,
          status: statusIn(ACTIVE_INSTANCE_STATUSES),
        },
        data: { status: "Stopped" },
      });
    }
    // Live instances follow their container: stopped by hand or crashed → out of nginx until it runs again.
    const byInstance = new Map(ours.map((c) => [c.labels[APP_LABELS.instance] ?? "", c]));
    for (const instance of claimed) {
      if (instance.deployment.status !== "Live") continue;
      const container = byInstance.get(instance.id);
      if (!container) continue;
      const running = container.state === "running";
      // "created" and "removing" are passing states of a container we are starting or removing.
      const down = ["exited", "dead", "restarting", "paused"].includes(container.state);
      if (instance.status === "Healthy" && down) {
        await db.containerInstance.update({
          where: { id: instance.id, hostId },
          data: { status: "Unhealthy", failureReason: `The container is ${container.state}.` },
        });
        result.changed.push(instance.id);
      } else if (instance.status === "Unhealthy" && running && instance.probeHealthy !== false) {
        // Running is not enough when the live probe says not ready: the agent's report brings it back.
        await db.containerInstance.update({
          where: { id: instance.id, hostId },
          data: { status: "Healthy", failureReason: null },
        });
        result.changed.push(instance.id);
      }
    }
    // Instances the database thinks run here but whose container is gone (removed by hand, say).
    const present = new Set(ours.map((c) => c.id));
    const active = await db.containerInstance.findMany({
      where: { hostId, status: statusIn(CHECKED_INSTANCE_STATUSES), containerId: { not: null } },
    });
    const vanished = active.filter((i) => i.containerId && !present.has(i.containerId));
    if (vanished.length > 0) {
      await db.containerInstance.updateMany({
        where: { id: { in: vanished.map((i) => i.id) }, hostId },
        data: { status: "Failed", failureReason: "The container disappeared from the host." },
      });
      result.vanished = vanished.map((i) => i.id);
    }
    try {
      await this.deps.nginx.apply(hostId);
      result.nginx = "applied";
    } catch (error) {
      result.nginx = "failed";
      logger.warn({ err: error, hostId }, "could not apply nginx while reconciling");
    }
    await this.deps.health?.sync(hostId);
    return result;
  }
}
