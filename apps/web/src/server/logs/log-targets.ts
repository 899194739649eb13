// What a viewer may read, resolved inside the viewer's team: a container of one of the team's
// hosts, every instance of one of the team's apps, a deployment of one of its apps, or a host's
// agent. Anything outside the team is "not found", whether it exists or not.
import { ACTIVE_INSTANCE_STATUSES, type LogSource, type LogTarget } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import { AppError } from "../errors/app-error";
import type { InventoryStore } from "../hosts/docker-inventory";

export type ResolvedSource =
  | { kind: "agent"; key: string; label: string; hostId: string; source: LogSource }
  | { kind: "deployment"; key: string; label: string; deploymentId: string; teamId: string };

export type AgentSource = Extract<ResolvedSource, { kind: "agent" }>;

export interface ResolvedTarget {
  title: string;
  sources: ResolvedSource[];
}

async function teamHost(db: Db, teamId: string, hostId: string) {
  const host = await db.host.findFirst({ where: { id: hostId, teamId }, select: { id: true, name: true } });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in your team.");
  return host;
}

/** The app's running instances (with a container) as sources, labelled "container @ host". */
export async function appSources(db: Db, teamId: string, name: string): Promise<AgentSource[]> {
  const app = await db.app.findUnique({ where: { teamId_name: { teamId, name } }, select: { id: true } });
  if (!app) throw new AppError("NOT_FOUND", `There is no app named ${name} in your team.`);
  const instances = await db.containerInstance.findMany({
    where: { appId: app.id, containerId: { not: null }, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
    orderBy: { createdAt: "asc" },
  });
  const hosts = await db.host.findMany({ where: { teamId }, select: { id: true, name: true } });
  const hostNames = new Map(hosts.map((host) => [host.id, host.name]));
  return instances.flatMap((instance) => {
    const hostName = hostNames.get(instance.hostId);
    if (!instance.containerId || hostName === undefined) return [];
    return [
      {
        kind: "agent" as const,
        key: `${instance.hostId}:${instance.containerId.slice(0, 12)}`,
        label: `${instance.containerName ?? instance.containerId.slice(0, 12)} @ ${hostName}`,
        hostId: instance.hostId,
        source: { kind: "container" as const, containerId: instance.containerId },
      },
    ];
  });
}

export async function resolveTarget(
  db: Db,
  inventory: InventoryStore,
  teamId: string,
  target: LogTarget,
): Promise<ResolvedTarget> {
  switch (target.kind) {
    case "container": {
      const host = await teamHost(db, teamId, target.hostId);
      const container = inventory.get(host.id)?.containers.get(target.containerId);
      if (!container) throw new AppError("NOT_FOUND", "That container is not on this host (any more).");
      return {
        title: `${container.name} on ${host.name}`,
        sources: [
          {
            kind: "agent",
            key: `${host.id}:${container.id.slice(0, 12)}`,
            label: container.name,
            hostId: host.id,
            source: { kind: "container", containerId: container.id },
          },
        ],
      };
    }
    case "agent": {
      const host = await teamHost(db, teamId, target.hostId);
      return {
        title: `Agent of ${host.name}`,
        sources: [
          { kind: "agent", key: `agent:${host.id}`, label: "agent", hostId: host.id, source: { kind: "agent" } },
        ],
      };
    }
    case "app":
      return { title: target.name, sources: await appSources(db, teamId, target.name) };
    case "deployment": {
      const deployment = await db.deployment.findFirst({
        where: { id: target.id, app: { teamId } },
        select: { id: true, app: { select: { name: true } } },
      });
      if (!deployment) throw new AppError("NOT_FOUND", "There is no such deployment in your team.");
      return {
        title: `Deployment ${deployment.id} of ${deployment.app.name}`,
        sources: [
          {
            kind: "deployment",
            key: `deployment:${deployment.id}`,
            label: "deployment",
            deploymentId: deployment.id,
            teamId,
          },
        ],
      };
    }
  }
}
