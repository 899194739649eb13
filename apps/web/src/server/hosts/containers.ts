// Containers of a host: what the portal shows, and the actions people take on them.
import { type ContainerAction, MANAGED_LABEL } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AgentRegistry } from "./agent-registry";
import type { InventoryStore } from "./docker-inventory";

async function hostOfTeam(db: Db, teamId: string, hostId: string) {
  const host = await db.host.findFirst({ where: { id: hostId, teamId } });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in this team.");
  if (host.revokedAt) throw new AppError("CONFLICT", "That host was revoked.");
  return host;
}

export async function hostInventory(
  db: Db,
  inventory: InventoryStore,
  agents: AgentRegistry,
  teamId: string,
  hostId: string,
) {
  const host = await hostOfTeam(db, teamId, hostId);
  const entry = inventory.get(hostId);
  const containers = [...(entry?.containers.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return {
    host: { id: host.id, name: host.name },
    connected: agents.get(hostId) !== undefined,
    syncedAt: entry?.syncedAt ?? null,
    dockerVersion: entry?.dockerVersion ?? null,
    dockerError: entry?.dockerError ?? host.dockerError,
    containers: containers.map((c) => ({ ...c, managed: MANAGED_LABEL in c.labels })),
    images: [...(entry?.images ?? [])].sort((a, b) => (a.tags[0] ?? a.id).localeCompare(b.tags[0] ?? b.id)),
  };
}

export async function inspectContainer(db: Db, agents: AgentRegistry, teamId: string, hostId: string, id: string) {
  await hostOfTeam(db, teamId, hostId);
  return agents.command(hostId, "docker.container.inspect", { id });
}

/**
 * Runs an action on a container. Removing a container Wheelhouse does not manage needs an explicit
 * confirmation: it may be someone's database.
 */
export async function containerAction(
  db: Db,
  inventory: InventoryStore,
  agents: AgentRegistry,
  input: { teamId: string; hostId: string; id: string; action: ContainerAction; confirmUnmanaged: boolean },
) {
  await hostOfTeam(db, input.teamId, input.hostId);
  const container = inventory.get(input.hostId)?.containers.get(input.id);
  if (!container) throw new AppError("NOT_FOUND", "That container is not on this host (any more).");
  if (input.action === "remove" && !(MANAGED_LABEL in container.labels) && !input.confirmUnmanaged) {
    throw new AppError(
      "CONFLICT",
      `${container.name} is not managed by Wheelhouse. Confirm that you want to remove it.`,
    );
  }
  await agents.command(
    input.hostId,
    "docker.container.action",
    { id: input.id, action: input.action },
    { timeoutMs: 60_000 },
  );
  return container;
}
