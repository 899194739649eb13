// Containers of a host: what the portal shows, and the actions people take on them.
import { type ContainerAction, can, MANAGED_LABEL } from "@wheelhouse/shared";
import type { SessionUser } from "../access/sessions";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { decideContainer, decideContainers, hasShellGrant } from "../terminal/shell-access";
import type { AgentRegistry } from "./agent-registry";
import type { InventoryStore } from "./docker-inventory";
import { redactInspect } from "./inspect-redaction";

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
  // Whether a shell in each counts as a host shell (admins only), and the sentence the UI shows.
  const decisions = await decideContainers(db, teamId, hostId, containers);
  return {
    host: { id: host.id, name: host.name },
    connected: agents.get(hostId) !== undefined,
    syncedAt: entry?.syncedAt ?? null,
    dockerVersion: entry?.dockerVersion ?? null,
    dockerError: entry?.dockerError ?? host.dockerError,
    containers: containers.map((c) => {
      const decision = decisions.get(c.id);
      return {
        ...c,
        managed: MANAGED_LABEL in c.labels,
        shell: decision?.shell ?? "admin-only",
        shellReason: decision?.reason ?? null,
      };
    }),
    images: [...(entry?.images ?? [])].sort((a, b) => (a.tags[0] ?? a.id).localeCompare(b.tags[0] ?? b.id)),
  };
}

/**
 * The engine's inspect document. Environment values may hold secrets that reach further than the
 * container: they are shown only to people who may open a shell in it (issue 9), names to the rest.
 * The health check's output is the container's own output: it needs logs.read.
 */
export async function inspectContainer(
  db: Db,
  inventory: InventoryStore,
  agents: AgentRegistry,
  user: SessionUser,
  hostId: string,
  id: string,
) {
  await hostOfTeam(db, user.team.id, hostId);
  const document = await agents.command(hostId, "docker.container.inspect", { id });
  const decision = await decideContainer(db, inventory, user.team.id, hostId, id);
  const mayShell =
    can(user.role, "hosts.shell") ||
    (decision.shell === "allowed" && can(user.role, "containers.shell") && (await hasShellGrant(db, user)));
  return redactInspect(document, {
    envValues: mayShell
      ? null
      : decision.shell === "allowed"
        ? "Environment values are shown to people who may open a shell in this container (the shell grant)."
        : decision.reason,
    healthOutput: can(user.role, "logs.read"),
  });
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
