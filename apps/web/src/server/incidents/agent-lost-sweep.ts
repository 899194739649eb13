// The agent-Lost signal (issue 13 item 2): every few seconds, each enrolled host whose agent has
// sent nothing for LOST_AFTER_MS (hosts/host-status.ts, the same rule the Hosts page shows) raises
// `agent.lost` once per loss. The sweep remembers which hosts it reported; a host that comes back is
// forgotten (so a later loss is reported again) and its return is raised as a resolved signal, which
// adds "resolved" to an open incident and opens nothing by itself.
import { LOST_AFTER_MS } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import type { AgentRegistry } from "../hosts/agent-registry";
import { hostStatus } from "../hosts/host-status";
import type { Logger } from "../logging/logger";
import { PeriodicPass } from "../scheduling/periodic-pass";
import type { SignalIntake } from "./signal-intake";

export interface AgentLostSweepDependencies {
  db: Db;
  agents: Pick<AgentRegistry, "get">;
  signals: Pick<SignalIntake, "raise">;
  logger: Pick<Logger, "error">;
  /**
   * After a portal restart every agent reconnects within seconds (agent-registry.ts reconnect
   * window): no host is reported Lost before the portal has been up this long.
   */
  startupGraceMs: number;
  now?: () => number;
}

export const SWEEP_INTERVAL_MS = 5_000;

export class AgentLostSweep {
  private readonly reported = new Set<string>();
  private readonly startedAt: number;
  private readonly periodic: PeriodicPass;

  constructor(private readonly deps: AgentLostSweepDependencies) {
    this.startedAt = this.now();
    this.periodic = new PeriodicPass(() => this.sweep(), "check for lost agents", deps.logger);
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  start(intervalMs = SWEEP_INTERVAL_MS): void {
    this.periodic.start(intervalMs);
  }

  stop(): void {
    this.periodic.stop();
  }

  /** One pass over every enrolled host; returns how many signals it raised. */
  async sweep(): Promise<number> {
    const { db, agents, signals } = this.deps;
    const now = this.now();
    const young = now - this.startedAt < this.deps.startupGraceMs;
    const hosts = await db.host.findMany({
      where: { revokedAt: null, lastSeenAt: { not: null } },
      select: { id: true, teamId: true, name: true, lastSeenAt: true, revokedAt: true },
    });
    const present = new Set(hosts.map((host) => host.id));
    // Revoked or removed hosts are not coming back: forget them.
    for (const id of this.reported) if (!present.has(id)) this.reported.delete(id);
    let raised = 0;
    for (const host of hosts) {
      const live = agents.get(host.id);
      const status = hostStatus(host, live !== undefined, live?.lastSeen, now);
      const seen = live?.lastSeen ?? host.lastSeenAt?.getTime() ?? now;
      if (status === "lost" && !this.reported.has(host.id) && !young) {
        const seconds = Math.round((now - seen) / 1000);
        await signals.raise({
          teamId: host.teamId,
          kind: "agent.lost",
          appId: null,
          hostId: host.id,
          reasonClass: "heartbeat",
          summary: `The agent of ${host.name} is lost: no heartbeat for ${seconds} s (a host is Lost after ${LOST_AFTER_MS / 1000} s).`,
          details: { hostName: host.name, lastSeenAt: new Date(seen).toISOString() },
        });
        // Only once raised: a raise that failed (the database) is tried again by the next sweep.
        this.reported.add(host.id);
        raised += 1;
      } else if (status === "online" && this.reported.delete(host.id)) {
        await signals.raise({
          teamId: host.teamId,
          kind: "agent.lost",
          appId: null,
          hostId: host.id,
          reasonClass: "heartbeat",
          summary: `The agent of ${host.name} is back online.`,
          state: "resolved",
          details: { hostName: host.name },
        });
        raised += 1;
      }
    }
    return raised;
  }
}
