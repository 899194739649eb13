// Tells each host's agent which live instances to probe (live health, issue 13). The list is always
// the host's complete one, built from the database, so sending it is idempotent and mends whatever
// either side lost in a restart: it goes out after every reconcile pass (each agent connect, each burst
// of container changes) and after every switch of traffic. Settings come from the release each
// instance runs, so a rollback probes as its release did (docs/decisions/030-live-health.md).
import {
  CHECKED_INSTANCE_STATUSES,
  MAX_WATCHED_INSTANCES,
  type WatchedInstance,
  watchedInstanceSchema,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { Logger } from "../logging/logger";
import { readReleaseConfig } from "../releases/release-config";

interface Dependencies {
  db: Db;
  agents: Pick<AgentRegistry, "command" | "get">;
  logger: Logger;
}

/** The live instances on `hostId` and how to probe each; an instance whose row cannot be probed is left out. */
export async function watchList(db: Db, hostId: string): Promise<WatchedInstance[]> {
  const instances = await db.containerInstance.findMany({
    where: {
      hostId,
      status: statusIn(CHECKED_INSTANCE_STATUSES),
      containerId: { not: null },
      hostPort: { not: null },
      deployment: { status: "Live" },
    },
    orderBy: { createdAt: "asc" },
    take: MAX_WATCHED_INSTANCES,
  });
  const releases = await db.release.findMany({
    where: { id: { in: [...new Set(instances.map((i) => i.releaseId))] } },
    select: { id: true, config: true },
  });
  const configs = new Map(releases.map((release) => [release.id, readReleaseConfig(release.config)]));
  return instances.flatMap((instance) => {
    const config = configs.get(instance.releaseId);
    if (!config) return [];
    const parsed = watchedInstanceSchema.safeParse({
      instanceId: instance.id,
      containerId: instance.containerId,
      containerName: instance.containerName ?? instance.id,
      probeHostPort: instance.probeHostPort ?? instance.hostPort,
      readinessPath: config.healthPath,
      livenessPath: config.livenessPath,
      intervalMs: config.healthIntervalSeconds * 1000,
      timeoutMs: config.healthProbeTimeoutSeconds * 1000,
      failureThreshold: config.healthFailureThreshold,
      successThreshold: config.healthSuccessThreshold,
      // Never reported yet: a live instance passed the deploy's health gate.
      healthy: instance.probeHealthy ?? true,
    });
    return parsed.success ? [parsed.data] : [];
  });
}

export class HealthWatch {
  /** hostId → the sync under way; a request meanwhile runs once more after it (the list may have changed). */
  private readonly running = new Map<string, { done: Promise<void>; again: boolean }>();

  constructor(private readonly deps: Dependencies) {}

  /** Sends the host its complete list, if its agent is connected; never throws (the next connect resends). */
  sync(hostId: string): Promise<void> {
    const current = this.running.get(hostId);
    if (current) {
      current.again = true;
      return current.done;
    }
    const entry = { done: Promise.resolve(), again: false };
    this.running.set(hostId, entry);
    entry.done = (async () => {
      do {
        entry.again = false;
        await this.send(hostId);
      } while (entry.again);
      this.running.delete(hostId);
    })();
    return entry.done;
  }

  syncAll(hostIds: Iterable<string>): Promise<void> {
    return Promise.all([...new Set(hostIds)].map((hostId) => this.sync(hostId))).then(() => undefined);
  }

  private async send(hostId: string): Promise<void> {
    const { db, agents, logger } = this.deps;
    if (!agents.get(hostId)) return;
    try {
      const instances = await watchList(db, hostId);
      await agents.command(hostId, "health.watch", { instances });
    } catch (error) {
      logger.warn({ err: error, hostId }, "could not send the live-health watch list; it is sent again on reconnect");
    }
  }
}
