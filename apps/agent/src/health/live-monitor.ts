// Live health (issue 13): probes every live instance the portal listed (`health.watch`) at its app's
// interval, and reports transitions only: readiness unhealthy after `failureThreshold` failures in a
// row, healthy again after `successThreshold` passes; liveness failing `failureThreshold` times in a
// row restarts the container through the engine, and that is reported too. The portal decides what
// follows (nginx membership, signals); the agent never looks anything up.
import type { InstanceHealthEvent, ProbeKind, WatchedInstance } from "@wheelhouse/shared";
import { seconds } from "../apps/health-reasons";
import type { ProbeResult } from "../apps/instance-health";
import type { Logger } from "../logger";
import { ProbeCounter } from "./probe-counter";

export interface LiveMonitorDependencies {
  /** One GET http://127.0.0.1:port{path} (apps/instance-health.ts `probe`). */
  probe(port: number, path: string, timeoutMs: number): Promise<ProbeResult>;
  /** Restart the container through the engine API. */
  restart(containerId: string): Promise<void>;
  report(event: InstanceHealthEvent): void;
  logger: Pick<Logger, "info" | "warn">;
  now?: () => number;
}

interface Watch {
  spec: WatchedInstance;
  readiness: ProbeCounter;
  liveness: ProbeCounter;
  /** What the portal was last told (or told us it recorded): a difference is reported. */
  portalBelief: boolean;
  /** The reason of the last failed readiness probe, for a report made later. */
  lastReason: string | null;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/** "GET /ready on 127.0.0.1:32768 answered 404", "GET /ready on 127.0.0.1:32768: no answer within 2 s". */
export function probeReason(port: number, path: string, result: Exclude<ProbeResult, { healthy: true }>): string {
  const target = `GET ${path} on 127.0.0.1:${port}`;
  const sentence = result.status === undefined ? `${target}: ${result.failure}` : `${target} answered ${result.status}`;
  return sentence.slice(0, 500);
}

/** Settings that, when changed, start the instance's counting afresh. */
function sameSettings(a: WatchedInstance, b: WatchedInstance): boolean {
  const { healthy: _a, ...left } = a;
  const { healthy: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
}

export class LiveMonitor {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly deps: LiveMonitorDependencies) {}

  get size(): number {
    return this.watches.size;
  }

  /** Probe exactly these from now on. Idempotent: an unchanged instance keeps its counts and timer. */
  watch(instances: readonly WatchedInstance[]): number {
    const listed = new Set(instances.map((spec) => spec.instanceId));
    for (const [instanceId, watch] of this.watches) {
      if (!listed.has(instanceId)) this.forget(watch);
    }
    for (const spec of instances) {
      const current = this.watches.get(spec.instanceId);
      if (current && sameSettings(current.spec, spec)) {
        current.portalBelief = spec.healthy;
        continue;
      }
      if (current) this.forget(current);
      this.start(spec);
    }
    return this.watches.size;
  }

  stopAll(): void {
    for (const watch of this.watches.values()) this.forget(watch);
  }

  private forget(watch: Watch): void {
    watch.stopped = true;
    clearTimeout(watch.timer);
    this.watches.delete(watch.spec.instanceId);
  }

  private start(spec: WatchedInstance): void {
    const watch: Watch = {
      spec,
      // Counting starts from what the portal recorded, so an agent restart does not re-announce it.
      readiness: new ProbeCounter(spec.healthy, spec.failureThreshold, spec.successThreshold),
      liveness: new ProbeCounter(true, spec.failureThreshold, spec.successThreshold),
      portalBelief: spec.healthy,
      lastReason: null,
      timer: undefined,
      stopped: false,
    };
    this.watches.set(spec.instanceId, watch);
    this.schedule(watch, spec.intervalMs);
  }

  /** Rounds are chained: the next starts an interval after this one started, never while it runs. */
  private schedule(watch: Watch, delayMs: number): void {
    if (watch.stopped) return;
    watch.timer = setTimeout(() => {
      const startedAt = this.now();
      this.round(watch)
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, container: watch.spec.containerName }, "a live probe round failed"),
        )
        .finally(() => this.schedule(watch, Math.max(0, startedAt + watch.spec.intervalMs - this.now())));
    }, delayMs);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private async round(watch: Watch): Promise<void> {
    const { spec } = watch;
    const [ready, live] = await Promise.all([
      this.deps.probe(spec.probeHostPort, spec.readinessPath, spec.timeoutMs),
      spec.livenessPath === null ? null : this.deps.probe(spec.probeHostPort, spec.livenessPath, spec.timeoutMs),
    ]);
    if (watch.stopped) return;
    if (!ready.healthy) watch.lastReason = probeReason(spec.probeHostPort, spec.readinessPath, ready);
    watch.readiness.record(ready.healthy);
    // Transitions, and a verdict the portal does not have (it missed a report or restarted): told once.
    if (watch.readiness.healthy !== watch.portalBelief) {
      watch.portalBelief = watch.readiness.healthy;
      this.send(watch, "readiness", watch.readiness.healthy, watch.readiness.healthy ? null : watch.lastReason, false);
    }
    if (live && spec.livenessPath !== null && watch.liveness.record(live.healthy) === "became-unhealthy") {
      const reason = live.healthy ? null : probeReason(spec.probeHostPort, spec.livenessPath, live);
      await this.restart(watch, reason ?? "the liveness probe failed");
    }
  }

  private async restart(watch: Watch, reason: string): Promise<void> {
    const { spec } = watch;
    const why = `${reason} (${spec.failureThreshold} times in a row, every ${seconds(spec.intervalMs)})`;
    try {
      await this.deps.restart(spec.containerId);
      this.deps.logger.info({ container: spec.containerName, reason: why }, "liveness failed: container restarted");
      if (!watch.stopped) this.send(watch, "liveness", false, `${why}; the container was restarted`, true);
    } catch (error) {
      const message = (error as Error).message;
      this.deps.logger.warn({ container: spec.containerName, err: error }, "liveness failed and the restart failed");
      if (!watch.stopped) this.send(watch, "liveness", false, `${why}; restarting it failed: ${message}`, false);
    }
    // Counting starts again for the new process.
    watch.liveness.reset();
  }

  private send(watch: Watch, probe: ProbeKind, healthy: boolean, reason: string | null, restarted: boolean): void {
    const { spec } = watch;
    if (probe === "readiness") {
      this.deps.logger.info(
        { container: spec.containerName, healthy, reason },
        healthy ? "instance ready again" : "instance not ready",
      );
    }
    this.deps.report({
      instanceId: spec.instanceId,
      containerId: spec.containerId,
      probe,
      healthy,
      reason: reason === null ? null : reason.slice(0, 500),
      restarted,
      at: this.now(),
    });
  }
}
