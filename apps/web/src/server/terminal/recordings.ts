// Past and live terminal sessions for the Audit page, and their recordings for the player.
import { readFile } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

export interface TerminalSessionSummary {
  id: string;
  kind: string;
  user: string;
  hostId: string;
  hostName: string;
  containerName: string | null;
  command: string[];
  startedAt: Date;
  endedAt: Date | null;
  exitCode: number | null;
  endReason: string | null;
  bytesOut: number;
  hasRecording: boolean;
  recordingTruncated: boolean;
}

function toSummary(row: Awaited<ReturnType<Db["terminalSession"]["findMany"]>>[number]): TerminalSessionSummary {
  return {
    id: row.id,
    kind: row.kind,
    user: row.userEmail,
    hostId: row.hostId,
    hostName: row.hostName,
    containerName: row.containerName,
    command: JSON.parse(row.command) as string[],
    startedAt: row.startedAt,
    endedAt: row.endedAt,
    exitCode: row.exitCode,
    endReason: row.endReason,
    bytesOut: Number(row.bytesOut),
    hasRecording: row.recordingPath !== null,
    recordingTruncated: row.recordingTruncated,
  };
}

/** Newest first, paged by start time. `hostId` and `from`/`to` find the sessions of an incident later. */
export async function listTerminalSessions(
  db: Db,
  query: { teamId: string; before?: Date | undefined; hostId?: string | undefined; limit: number },
) {
  const rows = await db.terminalSession.findMany({
    where: {
      teamId: query.teamId,
      ...(query.hostId ? { hostId: query.hostId } : {}),
      ...(query.before ? { startedAt: { lt: query.before } } : {}),
    },
    orderBy: { startedAt: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit).map(toSummary);
  return { sessions: page, nextCursor: rows.length > query.limit ? page.at(-1)?.startedAt.toISOString() : undefined };
}

export async function findTerminalSession(db: Db, teamId: string, id: string) {
  const row = await db.terminalSession.findFirst({ where: { id, teamId } });
  if (!row) throw new AppError("NOT_FOUND", "There is no such terminal session in your team.");
  return row;
}

/** The asciicast text of a session's recording (whole: recordings are capped by TERMINAL_RECORDING_MAX_MB). */
export async function readRecording(dataDir: string, recordingPath: string | null): Promise<string> {
  if (!recordingPath) throw new AppError("NOT_FOUND", "This session has no recording.");
  const root = resolve(dataDir);
  const file = resolve(join(root, recordingPath));
  // The path comes from our own database; still, never read outside DATA_DIR.
  if (!file.startsWith(root + sep)) throw new AppError("NOT_FOUND", "This session has no recording.");
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new AppError("NOT_FOUND", "The recording file of this session is missing from DATA_DIR/recordings.");
    }
    throw error;
  }
}

export { toSummary };
