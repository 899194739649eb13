// The database side of terminal sessions: the TerminalSession row (who, where, what, when, how it
// ended, bytes, recording) and the audit events at open and close.
import type { TerminalEndReason } from "@wheelhouse/shared";
import type { SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import type { ResolvedTarget } from "./shell-access";

/** How a session ended; the vocabulary is defined once in packages/shared (statuses/). */
export type EndReason = TerminalEndReason;

export interface SessionFacts {
  id: string;
  teamId: string;
  kind: "container" | "host" | "exec";
  hostId: string;
  hostName: string;
  containerId: string | null;
  containerName: string | null;
  ownerId: string;
  ownerEmail: string;
  command: string[];
  startedAt: Date;
  bytesOut: number;
  bytesIn: number;
  recordingPath: string | null;
}

function auditTarget(session: Pick<SessionFacts, "kind" | "hostId" | "containerId">) {
  return session.containerId ? { type: "container", id: session.containerId } : { type: "host", id: session.hostId };
}

/** What every audit event of a session says about it. */
function auditDetails(session: SessionFacts) {
  return {
    sessionId: session.id,
    kind: session.kind,
    hostId: session.hostId,
    host: session.hostName,
    container: session.containerName,
    command: session.command,
  };
}

export async function startSessionRecord(
  db: Db,
  input: {
    user: SessionUser;
    ip: string;
    kind: "container" | "host" | "exec";
    resolved: ResolvedTarget;
    command: string[];
    startedAt: Date;
    recordingPath?: string;
  },
) {
  return db.terminalSession.create({
    data: {
      teamId: input.user.team.id,
      userId: input.user.id,
      userEmail: input.user.email,
      kind: input.kind,
      hostId: input.resolved.host.id,
      hostName: input.resolved.host.name,
      containerId: input.resolved.container?.id ?? null,
      containerName: input.resolved.container?.name ?? null,
      command: JSON.stringify(input.command),
      startedAt: input.startedAt,
      recordingPath: input.recordingPath ?? null,
    },
    select: { id: true },
  });
}

/** Once the agent has started it: the command that really runs, and the audit event at open. */
export async function recordSessionOpened(db: Db, session: SessionFacts, user: SessionUser, ip: string) {
  await db.terminalSession.update({
    where: { id: session.id },
    data: { command: JSON.stringify(session.command), recordingPath: session.recordingPath },
  });
  await recordAudit(db, {
    actor: user,
    teamId: session.teamId,
    action: "terminal.open",
    target: auditTarget(session),
    outcome: "success",
    ip,
    details: auditDetails(session),
  });
}

export async function finishSessionRecord(
  db: Db,
  session: SessionFacts,
  end: { reason: EndReason; exitCode: number | null; recordingBytes: number; recordingTruncated: boolean },
) {
  const endedAt = new Date();
  await db.terminalSession.update({
    where: { id: session.id },
    data: {
      endedAt,
      exitCode: end.exitCode,
      endReason: end.reason,
      bytesOut: BigInt(session.bytesOut),
      bytesIn: BigInt(session.bytesIn),
      recordingBytes: end.recordingBytes,
      recordingTruncated: end.recordingTruncated,
      ...(end.reason === "failed" ? { recordingPath: null } : {}),
    },
  });
  await recordAudit(db, {
    actor: { id: session.ownerId, email: session.ownerEmail },
    teamId: session.teamId,
    action: end.reason === "failed" ? "terminal.open" : "terminal.close",
    target: auditTarget(session),
    outcome: end.reason === "failed" ? "failure" : "success",
    details: {
      ...auditDetails(session),
      reason: end.reason,
      exitCode: end.exitCode,
      bytesOut: session.bytesOut,
      bytesIn: session.bytesIn,
      durationMs: endedAt.getTime() - session.startedAt.getTime(),
    },
  });
}

/** Sessions a previous run of the portal left open ended with it. */
export async function endAbandonedSessions(db: Db): Promise<number> {
  const result = await db.terminalSession.updateMany({
    where: { endedAt: null },
    data: { endedAt: new Date(), endReason: "portal-restart" },
  });
  return result.count;
}
