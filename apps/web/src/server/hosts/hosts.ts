// Host listing for the portal: what the database knows, plus this process's live connections.
import {
  agentVersionStatus,
  type HostFacts,
  type HostView,
  hostFactsSchema,
  type PortalInfo,
} from "@wheelhouse/shared";
import type { Config } from "../config/env";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { PORTAL_VERSION } from "../version";
import type { AgentRegistry } from "./agent-registry";
import { hostStatus } from "./host-status";
import { SAMPLE_RETENTION_MS } from "./host-telemetry";

function readFacts(text: string): HostFacts | null {
  try {
    const parsed = hostFactsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type HostRow = Awaited<ReturnType<Db["host"]["findMany"]>>[number];

/** What an installer needs of this portal: its version, and PUBLIC_URL only when it is set. */
export function portalInfo(config: Pick<Config, "publicUrl" | "publicUrlConfigured">): PortalInfo {
  return { version: PORTAL_VERSION, publicUrl: config.publicUrlConfigured ? config.publicUrl : null };
}

/** One host as the portal shows it: the stored row and this process's live view of its agent. */
function hostView(host: HostRow, agents: AgentRegistry): HostView {
  const live = agents.get(host.id);
  const lastSeenAt = live ? new Date(live.lastSeen) : host.lastSeenAt;
  const conflict = agents.conflicts.current(host.id);
  return {
    id: host.id,
    name: host.name,
    status: hostStatus(host, live !== undefined, live?.lastSeen),
    agentVersion: host.agentVersion,
    agentVersionStatus: agentVersionStatus(host.agentVersion, PORTAL_VERSION),
    facts: readFacts(host.facts),
    dockerError: host.dockerError,
    lastSeenAt: lastSeenAt?.toISOString() ?? null,
    revokedAt: host.revokedAt?.toISOString() ?? null,
    createdAt: host.createdAt.toISOString(),
    /** Set while two agents use this host's key (hosts/key-conflicts.ts): "in use by two agents". */
    keyConflict: conflict
      ? {
          since: conflict.since.toISOString(),
          refusedAttempts: conflict.refusedAttempts,
          lastRefusedAt: conflict.lastRefusedAt.toISOString(),
        }
      : null,
  };
}

export async function getHost(db: Db, agents: AgentRegistry, teamId: string, hostId: string) {
  const host = await db.host.findFirst({ where: { id: hostId, teamId } });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in this team.");
  return hostView(host, agents);
}

export async function listHosts(
  db: Db,
  agents: AgentRegistry,
  config: Pick<Config, "publicUrl" | "publicUrlConfigured">,
  teamId: string,
) {
  const hosts = await db.host.findMany({ where: { teamId }, orderBy: { name: "asc" } });
  const pending = await db.enrollmentToken.findMany({
    where: { teamId, usedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  return {
    hosts: hosts.map((host) => hostView(host, agents)),
    pendingEnrollments: pending.map((token) => ({
      id: token.id,
      hostName: token.hostName,
      expiresAt: token.expiresAt.toISOString(),
    })),
    portal: portalInfo(config),
  };
}

/** CPU, memory and disk of the last hour, oldest first, as percentages for the chart. */
export async function hostSamples(db: Db, teamId: string, hostId: string) {
  const host = await db.host.findFirst({ where: { id: hostId, teamId } });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in this team.");
  const rows = await db.hostMetricSample.findMany({
    where: { hostId, at: { gte: new Date(Date.now() - SAMPLE_RETENTION_MS) } },
    orderBy: { at: "asc" },
  });
  const percent = (used: bigint, total: bigint) => (total > 0n ? Number((used * 10_000n) / total) / 100 : 0);
  return rows.map((row) => ({
    at: row.at,
    cpu: Math.round(row.cpuPercent * 100) / 100,
    memory: percent(row.memoryUsedBytes, row.memoryTotal),
    disk: percent(row.diskUsedBytes, row.diskTotal),
  }));
}
