// Who may open (or watch) which shell. The one check behind the tRPC procedures that mint attach
// tokens, the /terminal socket that redeems them, and the REST exec the CLI uses:
//   - a container shell needs the action containers.shell (operator and up) AND the member's own
//     shell grant (admins hold it implicitly) — DESIGN.md "Opening a container shell is its own grant";
//   - a host shell needs hosts.shell (admins only);
//   - the host must belong to the person's team, and the container must be on that host.
// Every refusal is written to the audit trail.
import type { Action, TerminalTarget } from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import type { SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { InventoryStore } from "../hosts/docker-inventory";

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
  return { user: checked, resolved: await resolveTarget(db, inventory, checked.team.id, hostId, target) };
}
