// Who may open (or watch) which shell. The one check behind the tRPC procedures that mint attach
// tokens, the /terminal socket that redeems them, and the REST exec the CLI uses:
//   - a container shell needs the action containers.shell (operator and up) AND the member's own
//     shell grant (admins hold it implicitly) — DESIGN.md "Opening a container shell is its own grant";
//   - a host shell needs hosts.shell (admins only);
//   - the host must belong to the person's team, and the container must be on that host;
//   - a container that counts as the host (shell-policy.ts: not run by Wheelhouse for an app of the
//     team, or able to reach the host) needs hosts.shell as well (issue 9).
// Every refusal is written to the audit trail.
import { type Action, type Container, can, type TerminalTarget } from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import type { SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { InventoryStore } from "../hosts/docker-inventory";
import { classifyContainer, labelledAppId, type ShellDecision } from "./shell-policy";

export type TerminalKind = "container" | "host";

export function actionFor(kind: TerminalKind): Action {
  return kind === "host" ? "hosts.shell" : "containers.shell";
}

/** Whether this member holds the container shell grant (admins always do). */
export async function hasShellGrant(db: Db, user: SessionUser): Promise<boolean> {
  if (user.role === "admin") return true;
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId: user.id, teamId: user.team.id } },
    select: { containerShellGrant: true },
  });
  return membership?.containerShellGrant === true;
}

/** The role check and, for container shells, the grant. Throws FORBIDDEN (audited) when either is missing. */
export async function authorizeShellKind(db: Db, user: SessionUser | null, kind: TerminalKind, ip: string) {
  const checked = await authorize(db, user, actionFor(kind), ip);
  if (kind === "container" && !(await hasShellGrant(db, checked))) {
    await recordAudit(db, {
      actor: checked,
      teamId: checked.team.id,
      action: "containers.shell",
      outcome: "denied",
      ip,
      details: { role: checked.role, reason: "no container shell grant" },
    });
    throw new AppError(
      "FORBIDDEN",
      "Opening a container shell needs its own grant. Ask an admin to give it to you on the Users page.",
    );
  }
  return checked;
}

export interface ResolvedTarget {
  host: { id: string; name: string };
  container: { id: string; name: string } | null;
}

/** Each container's decision (shell-policy.ts), with one query for the team's apps the labels name. */
export async function decideContainers(
  db: Db,
  teamId: string,
  hostId: string,
  containers: readonly Container[],
): Promise<Map<string, ShellDecision>> {
  const named = [...new Set(containers.flatMap((c) => labelledAppId(c) ?? []))];
  const apps =
    named.length === 0 ? [] : await db.app.findMany({ where: { teamId, id: { in: named } }, select: { id: true } });
  const teamAppIds = new Set(apps.map((app) => app.id));
  return new Map(containers.map((c) => [c.id, classifyContainer(c, hostId, teamAppIds)]));
}

/** The decision for one container as the portal knows it now (unknown containers count as the host). */
export async function decideContainer(
  db: Db,
  inventory: InventoryStore,
  teamId: string,
  hostId: string,
  containerId: string,
): Promise<ShellDecision> {
  const container = inventory.get(hostId)?.containers.get(containerId);
  if (!container) return classifyContainer(undefined, hostId, new Set());
  return (
    (await decideContainers(db, teamId, hostId, [container])).get(containerId) ??
    classifyContainer(undefined, hostId, new Set())
  );
}

/**
 * Refuses a person without hosts.shell a container that counts as the host, with the sentence that
 * says why, and writes the refusal to the audit trail (as containers.shell; `via` says which path).
 */
export async function requireContainerAccess(
  db: Db,
  user: SessionUser,
  decision: ShellDecision,
  target: { hostId: string; containerId: string; containerName: string | null },
  ip: string,
  via: "shell" | "attach" | "exec" = "shell",
): Promise<void> {
  if (decision.shell === "allowed" || can(user.role, "hosts.shell")) return;
  await recordAudit(db, {
    actor: user,
    teamId: user.team.id,
    action: "containers.shell",
    target: { type: "container", id: target.containerId },
    outcome: "denied",
    ip,
    details: {
      role: user.role,
      reason: "container counts as the host",
      via,
      hostId: target.hostId,
      container: target.containerName,
      why: decision.reason,
    },
  });
  throw new AppError("FORBIDDEN", decision.reason);
}

/** The host (of the person's team) and container a shell would open on; NOT_FOUND when either is not there. */
export async function resolveTarget(
  db: Db,
  inventory: InventoryStore,
  teamId: string,
  hostId: string,
  target: TerminalTarget,
): Promise<ResolvedTarget> {
  const host = await db.host.findFirst({
    where: { id: hostId, teamId },
    select: { id: true, name: true, revokedAt: true },
  });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in this team.");
  if (host.revokedAt) throw new AppError("CONFLICT", "That host was revoked.");
  if (target.kind === "host") return { host: { id: host.id, name: host.name }, container: null };
  const container = inventory.get(hostId)?.containers.get(target.containerId);
  if (!container) throw new AppError("NOT_FOUND", "That container is not on this host (any more).");
  if (container.state !== "running") {
    throw new AppError("CONFLICT", `${container.name} is ${container.state}: start it before opening a shell.`);
  }
  return { host: { id: host.id, name: host.name }, container: { id: container.id, name: container.name } };
}

/** Everything above, in order: permission first (so a refused person learns nothing about the target). */
export async function authorizeShell(
  db: Db,
  inventory: InventoryStore,
  user: SessionUser | null,
  hostId: string,
  target: TerminalTarget,
  ip: string,
): Promise<{ user: SessionUser; resolved: ResolvedTarget }> {
  const checked = await authorizeShellKind(db, user, target.kind, ip);
  const resolved = await resolveTarget(db, inventory, checked.team.id, hostId, target);
  if (resolved.container) {
    const decision = await decideContainer(db, inventory, checked.team.id, hostId, resolved.container.id);
    await requireContainerAccess(
      db,
      checked,
      decision,
      { hostId, containerId: resolved.container.id, containerName: resolved.container.name },
      ip,
    );
  }
  return { user: checked, resolved };
}

/**
 * Attaching again to (or watching) a live session: the same rules as opening it, against the
 * container as the portal knows it now.
 */
export async function authorizeLiveSession(
  db: Db,
  inventory: InventoryStore,
  user: SessionUser | null,
  live: { kind: TerminalKind; hostId: string; containerId: string | null; containerName: string | null },
  ip: string,
): Promise<SessionUser> {
  const checked = await authorizeShellKind(db, user, live.kind, ip);
  if (live.kind === "container" && live.containerId) {
    const decision = await decideContainer(db, inventory, checked.team.id, live.hostId, live.containerId);
    await requireContainerAccess(
      db,
      checked,
      decision,
      { hostId: live.hostId, containerId: live.containerId, containerName: live.containerName },
      ip,
      "attach",
    );
  }
  return checked;
}
