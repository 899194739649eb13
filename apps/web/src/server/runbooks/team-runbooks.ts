// Runbooks a team writes on the Runbooks page (or POST /api/v1/runbooks). Each save is a new row:
// version = the team's latest for that id + 1, written into the stored source's `version:` line, so
// the text a person reads and the number a run pins are the same (decision 032). A runbook with a
// step that runs an arbitrary command (command.run) is an admin's to save.
import {
  can,
  minimumRole,
  parseRunbook,
  type RunbookDefinition,
  type RunbookError,
  runbookHasCommand,
  withRunbookVersion,
} from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import type { SessionUser } from "../access/sessions";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

/** Errors as one sentence each, for an AppError a person reads. */
export function describeErrors(errors: readonly RunbookError[]): string {
  const shown = errors
    .slice(0, 5)
    .map((error) => (error.line > 0 ? `Line ${error.line}: ${error.message}` : error.message));
  const more = errors.length > 5 ? ` And ${errors.length - 5} more.` : "";
  return `The runbook is not valid. ${shown.join(" ")}${more}`;
}

export interface SavedRunbook {
  id: string;
  slug: string;
  version: number;
  source: string;
  definition: RunbookDefinition;
}

/** The newest version a team saved of `slug`, 0 when none. */
async function latestVersion(db: Db, teamId: string, slug: string): Promise<number> {
  const latest = await db.runbook.findFirst({
    where: { teamId, slug },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  return latest?.version ?? 0;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

/**
 * Parses and stores a new version. What it takes depends on the text: `runbooks.write`, and
 * `runbooks.write-command` (admins) for a runbook with a command step; a refusal is audited as the
 * action that was missing. An invalid runbook is refused with its lines.
 */
export async function saveTeamRunbook(db: Db, user: SessionUser, ip: string, source: string): Promise<SavedRunbook> {
  const parsed = parseRunbook(source);
  const hasCommand = parsed.ok && runbookHasCommand(parsed.runbook);
  const slug = parsed.ok ? parsed.runbook.id : null;
  if (hasCommand && !can(user.role, "runbooks.write-command")) {
    await recordAudit(db, {
      actor: user,
      teamId: user.team.id,
      action: "runbooks.write-command",
      target: slug ? { type: "runbook", id: slug } : null,
      outcome: "denied",
      ip,
      details: { role: user.role, requires: minimumRole("runbooks.write-command"), reason: "a step runs a command" },
    });
    throw new AppError(
      "FORBIDDEN",
      `Only an admin may save a runbook with a command.run step: it runs what the author writes on the host or in the app's container. Remove that step, or ask an admin to save "${slug}".`,
    );
  }
  await authorize(db, user, "runbooks.write", ip);
  if (!parsed.ok) throw new AppError("BAD_INPUT", describeErrors(parsed.errors));
  const runbook = parsed.runbook;
  // Two saves at once both read the same latest version; the unique (team, slug, version) index lets
  // one win, and the other tries again with the next number.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const version = (await latestVersion(db, user.team.id, runbook.id)) + 1;
    const stored = withRunbookVersion(source, version);
    const definition: RunbookDefinition = { ...runbook, version };
    try {
      const row = await db.runbook.create({
        data: {
          teamId: user.team.id,
          slug: runbook.id,
          version,
          source: stored,
          title: definition.title,
          hasCommand,
          createdById: user.id,
          createdByEmail: user.email,
        },
        select: { id: true },
      });
      return { id: row.id, slug: runbook.id, version, source: stored, definition };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new AppError("CONFLICT", `Someone else is saving "${runbook.id}" right now. Reload it and save again.`);
}
