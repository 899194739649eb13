// What the terminal router asks for, each in one call: the permission and container checks of
// shell-access.ts, then an attach token for the /terminal socket (or the one-shot exec, or a
// recording). Knows nothing of tRPC; refusals are audited by the checks themselves.
import { can, type TerminalSize, type TerminalTarget } from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import type { SessionUser } from "../access/sessions";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { execInApp } from "./app-exec";
import { findTerminalSession, listTerminalSessions, readRecording, toSummary } from "./recordings";
import { authorizeLiveSession, authorizeShell, authorizeShellKind, hasShellGrant } from "./shell-access";

type Services = Pick<PortalServices, "db" | "inventory" | "terminalTokens" | "terminals" | "config">;

/** Which shell buttons the UI shows this person. */
export async function shellAccess(services: Pick<Services, "db">, user: SessionUser) {
  return {
    containerShell: can(user.role, "containers.shell") && (await hasShellGrant(services.db, user)),
    hostShell: can(user.role, "hosts.shell"),
  };
}

/** A token to open a shell on a host or in one of its containers. */
export async function openShell(
  services: Services,
  user: SessionUser,
  ip: string,
  request: { hostId: string; target: TerminalTarget; size: TerminalSize },
) {
  await authorizeShell(services.db, services.inventory, user, request.hostId, request.target, ip);
  return services.terminalTokens.mint({ kind: "open", userId: user.id, ...request });
}

/** The same for an app's instance: the Apps page knows instances, not hosts and containers. */
export async function openInstanceShell(
  services: Services,
  user: SessionUser,
  ip: string,
  request: { instanceId: string; size: TerminalSize },
) {
  const instance = await services.db.containerInstance.findFirst({
    where: { id: request.instanceId, app: { teamId: user.team.id } },
    select: { hostId: true, containerId: true },
  });
  if (!instance?.containerId) throw new AppError("NOT_FOUND", "That instance has no container (any more).");
  const target = { kind: "container" as const, containerId: instance.containerId };
  return openShell(services, user, ip, { hostId: instance.hostId, target, size: request.size });
}

/** Attach again (after a reload: control, the owner only) or watch someone's live session. */
export async function attachShell(
  services: Services,
  user: SessionUser,
  ip: string,
  request: { sessionId: string; mode: "control" | "watch" },
) {
  const live = services.terminals.get(request.sessionId);
  if (!live || live.teamId !== user.team.id) {
    throw new AppError("NOT_FOUND", "This terminal session has ended. Its recording is on the Audit page.");
  }
  await authorizeLiveSession(services.db, services.inventory, user, live, ip);
  if (request.mode === "control" && live.ownerId !== user.id) {
    throw new AppError("FORBIDDEN", "Only the person who opened this session can type in it; you may watch it.");
  }
  return services.terminalTokens.mint({ kind: "attach", userId: user.id, sessionId: live.id, mode: request.mode });
}

/** A page of the team's sessions, each marked live while this portal still runs it. */
export async function listSessions(
  services: Services,
  query: { teamId: string; hostId?: string | undefined; before?: Date | undefined; limit: number },
) {
  const page = await listTerminalSessions(services.db, query);
  return { ...page, sessions: page.sessions.map((s) => ({ ...s, live: services.terminals.get(s.id) !== undefined })) };
}

/**
 * A recording, to play back. Watching a recording shows what the session showed: container
 * sessions need logs.read (operators and up), host sessions hosts.shell (admins).
 */
export async function playRecording(services: Services, user: SessionUser, ip: string, id: string) {
  const row = await findTerminalSession(services.db, user.team.id, id);
  await authorize(services.db, user, row.kind === "host" ? "hosts.shell" : "logs.read", ip);
  const cast = await readRecording(services.config.dataDir, row.recordingPath);
  return { session: toSummary(row), cast };
}

/** `wheelhouse exec`: the container shell's permission and grant, then the command in one instance. */
export async function execChecked(
  services: PortalServices,
  user: SessionUser,
  ip: string,
  input: { name: string; command: string[]; timeoutSeconds: number },
) {
  await authorizeShellKind(services.db, user, "container", ip);
  return execInApp(services, user, ip, input);
}
