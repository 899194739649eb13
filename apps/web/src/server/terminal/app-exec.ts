// `wheelhouse exec NAME -- CMD ARGS…`: runs an argument list in one instance of an app through the
// agent's exec path (terminal.exec: the engine API, no TTY, no shell), and returns its exit code
// and output. Recorded as a TerminalSession of kind "exec" and audited like a shell.
import {
  ACTIVE_INSTANCE_STATUSES,
  type ActiveInstanceStatus,
  type CommandResult,
  inStatusGroup,
} from "@wheelhouse/shared";
import type { SessionUser } from "../access/sessions";
import { getApp } from "../apps/apps";
import { recordAudit } from "../audit/audit-log";
import { statusIn } from "../db/status-filter";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { decideContainer, requireContainerAccess } from "./shell-access";
import { startSessionRecord } from "./terminal-records";

/** Preferred first: an instance that answers its health check, then one still starting. */
const PREFERENCE: Record<ActiveInstanceStatus, number> = { Healthy: 0, Starting: 1, Unhealthy: 2 };

function preference(status: string): number {
  return inStatusGroup(ACTIVE_INSTANCE_STATUSES, status) ? PREFERENCE[status] : ACTIVE_INSTANCE_STATUSES.length;
}

export async function execInApp(
  services: PortalServices,
  user: SessionUser,
  ip: string,
  input: { name: string; command: string[]; timeoutSeconds: number },
) {
  const { db, agents, inventory } = services;
  const app = await getApp(db, user.team.id, input.name);
  const instances = await db.containerInstance.findMany({
    where: { appId: app.id, containerId: { not: null }, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
    orderBy: { createdAt: "desc" },
  });
  const usable = instances
    .filter((instance) => agents.get(instance.hostId) !== undefined)
    .filter((instance) => {
      const container = instance.containerId
        ? inventory.get(instance.hostId)?.containers.get(instance.containerId)
        : null;
      return container?.state === "running";
    })
    .sort((a, b) => preference(a.status) - preference(b.status));
  const instance = usable[0];
  if (!instance?.containerId) {
    throw new AppError(
      "CONFLICT",
      `${app.name} has no running instance on a connected host. Deploy it, or check its hosts' agents.`,
    );
  }
  const host = await db.host.findFirstOrThrow({ where: { id: instance.hostId }, select: { id: true, name: true } });
  const containerName = instance.containerName ?? instance.containerId.slice(0, 12);
  // An instance of the team's app may still reach the host (host networking): then admins only.
  const decision = await decideContainer(db, inventory, user.team.id, instance.hostId, instance.containerId);
  await requireContainerAccess(
    db,
    user,
    decision,
    { hostId: instance.hostId, containerId: instance.containerId, containerName },
    ip,
    "exec",
  );
  const startedAt = new Date();
  const record = await startSessionRecord(db, {
    user,
    ip,
    kind: "exec",
    resolved: { host, container: { id: instance.containerId, name: containerName } },
    command: input.command,
    startedAt,
  });
  services.metrics.terminalSessions.inc({ kind: "exec" });
  services.metrics.terminalSessionsActive.inc();
  let result: CommandResult<"terminal.exec"> | undefined;
  let failure: string | undefined;
  try {
    const timeoutMs = input.timeoutSeconds * 1000;
    result = await agents.command(
      instance.hostId,
      "terminal.exec",
      { containerId: instance.containerId, command: input.command, timeoutMs },
      { timeoutMs: timeoutMs + 5_000 },
    );
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      truncated: result.truncated,
      instance: { host: host.name, container: containerName },
    };
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    services.metrics.terminalSessionsActive.dec();
    const bytesOut = result
      ? Buffer.byteLength(result.stdout, "base64") + Buffer.byteLength(result.stderr, "base64")
      : 0;
    await db.terminalSession.update({
      where: { id: record.id },
      data: {
        endedAt: new Date(),
        exitCode: result?.exitCode ?? null,
        endReason: result ? "exited" : "failed",
        bytesOut: BigInt(bytesOut),
      },
    });
    await recordAudit(db, {
      actor: user,
      teamId: user.team.id,
      action: "terminal.exec",
      target: { type: "container", id: instance.containerId },
      outcome: result ? "success" : "failure",
      ip,
      details: {
        sessionId: record.id,
        app: app.name,
        hostId: host.id,
        host: host.name,
        container: containerName,
        command: input.command,
        exitCode: result?.exitCode ?? null,
        ...(failure ? { error: failure } : {}),
      },
    });
  }
}
