// Which runbooks a team has: the built-in library (runbook-library.ts) and the team's own versions
// (team-runbooks.ts). A team runbook with a library runbook's id shadows it for that team: the
// team's newest version is the one listed, found and attached.
import {
  isCheckStep,
  parseRunbook,
  type RunbookDefinition,
  type RunbookSummary,
  type runbookDetailSchema,
  runbookHasCommand,
} from "@wheelhouse/shared";
import type { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { type LibraryRunbook, runbookLibrary } from "./runbook-library";

export type RunbookServices = Pick<PortalServices, "db" | "config" | "logger">;
export type RunbookDetail = z.infer<typeof runbookDetailSchema>;

export interface ResolvedRunbook {
  slug: string;
  version: number;
  origin: "library" | "team";
  definition: RunbookDefinition;
  source: string;
  updatedAt: Date | null;
  updatedBy: string | null;
  hasCommand: boolean;
  shadowsLibrary: boolean;
}

/** A library runbook as the team sees it (the library ships no command steps; the check says so anyway). */
function fromLibrary(library: LibraryRunbook): ResolvedRunbook {
  return {
    slug: library.slug,
    version: library.definition.version,
    origin: "library",
    definition: library.definition,
    source: library.source,
    updatedAt: null,
    updatedBy: null,
    hasCommand: runbookHasCommand(library.definition),
    shadowsLibrary: false,
  };
}

interface TeamRow {
  slug: string;
  version: number;
  source: string;
  hasCommand: boolean;
  createdAt: Date;
  createdByEmail: string | null;
}

const teamRowSelect = {
  slug: true,
  version: true,
  source: true,
  hasCommand: true,
  createdAt: true,
  createdByEmail: true,
} as const;

function libraryOf(services: RunbookServices) {
  return runbookLibrary(services.config.runbooksDir, services.logger).runbooks;
}

/** A stored version as a runbook; null (logged) if it no longer parses, e.g. after a check was renamed. */
function fromTeamRow(services: RunbookServices, teamId: string, row: TeamRow): ResolvedRunbook | null {
  const parsed = parseRunbook(row.source);
  if (!parsed.ok) {
    services.logger.warn(
      { teamId, slug: row.slug, version: row.version, reason: parsed.errors[0]?.message },
      "a saved team runbook no longer parses; it is left out",
    );
    return null;
  }
  return {
    slug: row.slug,
    version: row.version,
    origin: "team",
    // The row's number is the version, whatever the text says (withRunbookVersion keeps them equal).
    definition: { ...parsed.runbook, version: row.version },
    source: row.source,
    updatedAt: row.createdAt,
    updatedBy: row.createdByEmail,
    hasCommand: row.hasCommand,
    shadowsLibrary: libraryOf(services).has(row.slug),
  };
}

/**
 * The runbook `slug` as the team sees it: its own version `version` (default: the newest), or the
 * library's when the team has none of that id. Null when there is no such runbook or version.
 */
export async function findRunbook(
  services: RunbookServices,
  teamId: string,
  slug: string,
  version?: number,
): Promise<ResolvedRunbook | null> {
  const row = await services.db.runbook.findFirst({
    where: { teamId, slug, ...(version === undefined ? {} : { version }) },
    orderBy: { version: "desc" },
    select: teamRowSelect,
  });
  if (row) return fromTeamRow(services, teamId, row);
  // A team that has the id shadows the library even when it asked for a version it lacks.
  if (version !== undefined && (await services.db.runbook.count({ where: { teamId, slug } })) > 0) return null;
  const library = libraryOf(services).get(slug);
  if (!library || (version !== undefined && library.definition.version !== version)) return null;
  return fromLibrary(library);
}

/** Every runbook the team has: library ones it does not shadow, and its own newest versions. */
export async function effectiveRunbooks(services: RunbookServices, teamId: string): Promise<ResolvedRunbook[]> {
  const rows = await services.db.runbook.findMany({
    where: { teamId },
    orderBy: [{ slug: "asc" }, { version: "desc" }],
    select: teamRowSelect,
  });
  const team = new Map<string, ResolvedRunbook | null>();
  for (const row of rows) if (!team.has(row.slug)) team.set(row.slug, fromTeamRow(services, teamId, row));
  const all: ResolvedRunbook[] = [];
  for (const library of libraryOf(services).values()) {
    if (team.has(library.slug)) continue;
    all.push(fromLibrary(library));
  }
  for (const runbook of team.values()) if (runbook) all.push(runbook);
  return all.sort((a, b) => a.definition.title.localeCompare(b.definition.title) || a.slug.localeCompare(b.slug));
}

export function toSummary(runbook: ResolvedRunbook): RunbookSummary {
  const { definition } = runbook;
  return {
    slug: runbook.slug,
    version: runbook.version,
    origin: runbook.origin,
    title: definition.title,
    summary: definition.summary,
    sources: definition.sources,
    symptoms: definition.symptoms,
    steps: definition.steps.length,
    automaticSteps: definition.steps.filter(isCheckStep).length,
    hasCommand: runbook.hasCommand,
    shadowsLibrary: runbook.shadowsLibrary,
    updatedAt: runbook.updatedAt?.toISOString() ?? null,
    updatedBy: runbook.updatedBy,
  };
}

export async function listRunbooks(services: RunbookServices, teamId: string): Promise<RunbookSummary[]> {
  return (await effectiveRunbooks(services, teamId)).map(toSummary);
}

/** Every saved version of a team runbook, newest first (none for a library runbook). */
async function versionsOf(db: Db, teamId: string, slug: string): Promise<RunbookDetail["versions"]> {
  const rows = await db.runbook.findMany({
    where: { teamId, slug },
    orderBy: { version: "desc" },
    select: { version: true, createdAt: true, createdByEmail: true },
  });
  return rows.map((row) => ({ version: row.version, at: row.createdAt.toISOString(), by: row.createdByEmail }));
}

export function toDetail(runbook: ResolvedRunbook, versions: RunbookDetail["versions"]): RunbookDetail {
  return { ...toSummary(runbook), source: runbook.source, definition: runbook.definition, versions };
}

export async function getRunbook(
  services: RunbookServices,
  teamId: string,
  slug: string,
  version?: number,
): Promise<RunbookDetail> {
  const runbook = await findRunbook(services, teamId, slug, version);
  if (!runbook) {
    throw new AppError(
      "NOT_FOUND",
      version === undefined ? `There is no runbook "${slug}".` : `Runbook "${slug}" has no version ${version}.`,
    );
  }
  const versions = runbook.origin === "team" ? await versionsOf(services.db, teamId, slug) : [];
  return toDetail(runbook, versions);
}
