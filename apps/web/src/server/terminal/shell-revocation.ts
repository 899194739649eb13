// Shells end when their owner may no longer hold them. The browser gate (realtime/browser-gate.ts)
// re-checks every /terminal socket; this covers what has no socket: a session in its grace period
// (its tab reloading or gone) whose owner's role was lowered, whose grant was taken, who was
// disabled, or who signed out in the browser that controlled it. Each such session is closed with
// the end reason "revoked", which its row, its audit event and the Audit page show.
// Re-checks read the person's membership as it is now; they write no "denied" audit event, since
// nobody attempted anything.
import { can, type Role, roleSchema } from "@wheelhouse/shared";
import type { SessionUser } from "../access/sessions";
import { REVALIDATE_EVERY_MS } from "../realtime/browser-gate";
import type { PortalServices } from "../services";
import { actionFor, decideContainer, hasShellGrant } from "./shell-access";
import type { LiveSession, TerminalManager } from "./terminal-manager";

/** What a re-check needs to know about a live shell. */
type HeldShell = Pick<LiveSession, "kind" | "teamId" | "hostId" | "containerId">;

/**
 * Why a person with `role` and this grant may not hold `shell` now, or null when they may: the
 * kind's permission, the grant, and for a container that counts as the host (shell-policy.ts)
 * hosts.shell — the rules of shell-access.ts, without its audit.
 */
async function refusalFor(
  services: Pick<PortalServices, "db" | "inventory">,
  role: Role,
  grant: boolean,
  shell: HeldShell,
): Promise<string | null> {
  if (!can(role, actionFor(shell.kind))) return `Your role (${role}) no longer allows this shell.`;
  if (shell.kind === "host" || can(role, "hosts.shell")) return null;
  // Admins hold the container shell grant with their role (shell-access.ts); others need it.
  if (!grant) return "Your container shell grant was taken away.";
  if (!shell.containerId) return null;
  const decision = await decideContainer(
    services.db,
    services.inventory,
    shell.teamId,
    shell.hostId,
    shell.containerId,
  );
  return decision.shell === "allowed" ? null : decision.reason;
}

/** The same for a signed-in person as they are now (the gate keeps `user` current). */
export async function shellRefusal(
  services: Pick<PortalServices, "db" | "inventory">,
  user: SessionUser,
  shell: HeldShell,
): Promise<string | null> {
  const grant = shell.kind === "container" && (await hasShellGrant(services.db, user));
  return refusalFor(services, user.role, grant, shell);
}

export class ShellOwnership {
  /** Live shell → the browser session that last controlled it: signing out there ends the shell. */
  private readonly controllers = new Map<string, string>();

  constructor(
    private readonly services: Pick<PortalServices, "db" | "events" | "logger" | "inventory">,
    private readonly terminals: TerminalManager,
  ) {
    const { events } = services;
    events.on("sessionEnded", (sessionId) => this.endControlledFrom(sessionId));
    events.on("sessionsEnded", (userId) => this.revalidate(userId));
    events.on("accessChanged", (userId) => this.revalidate(userId));
    // The safety net, as for sockets: a change made by another portal process is seen here too.
    setInterval(() => {
      for (const owner of terminals.owners()) this.revalidate(owner);
    }, REVALIDATE_EVERY_MS).unref();
  }

  controlledFrom(terminalSessionId: string, browserSessionId: string): void {
    this.controllers.set(terminalSessionId, browserSessionId);
  }

  private endControlledFrom(browserSessionId: string): void {
    for (const [id, controller] of this.controllers) {
      const live = this.terminals.get(id);
      if (!live) this.controllers.delete(id);
      else if (controller === browserSessionId) void this.terminals.close(live, "revoked");
    }
  }

  private revalidate(userId: string): void {
    this.revalidateOwner(userId).catch((error: unknown) =>
      this.services.logger.error({ err: error, userId }, "could not re-check a person's shells"),
    );
  }

  private async revalidateOwner(userId: string): Promise<void> {
    // A shell with its controlling tab attached is re-checked by the browser gate (terminal-namespace.ts
    // `revalidate`), which also tells that tab why it ended; only the unattached ones are left here.
    const owned = this.terminals.ownedBy(userId).filter((session) => session.controller === null && !session.ending);
    if (owned.length === 0) return;
    const memberships = await this.services.db.membership.findMany({
      where: { userId, teamId: { in: [...new Set(owned.map((session) => session.teamId))] } },
      select: { teamId: true, role: true, containerShellGrant: true, user: { select: { disabledAt: true } } },
    });
    for (const session of owned) {
      if (session.ending) continue;
      const membership = memberships.find((m) => m.teamId === session.teamId);
      const allowed =
        membership !== undefined &&
        membership.user.disabledAt === null &&
        (await refusalFor(
          this.services,
          roleSchema.parse(membership.role),
          membership.containerShellGrant,
          session,
        )) === null;
      if (!allowed) await this.terminals.close(session, "revoked");
    }
  }
}
