// Reading incidents: the list (open first by default, filtered by status, severity and app) and one
// incident with its timeline, runbooks and postmortem. Changes are in incident-changes.ts.
import {
  INCIDENT_STATUSES,
  type IncidentDetail,
  type IncidentStatus,
  type IncidentSummary,
  type incidentListInputSchema,
  OPEN_INCIDENT_STATUSES,
  type Postmortem,
  postmortemSchema,
  type Role,
  SEVERITIES,
  type Severity,
} from "@wheelhouse/shared";
import type { z } from "zod";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import { AppError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import { runbookRunsOf } from "../runbooks/runbook-runs";
import { readTimeline } from "./incident-timeline";

export type IncidentRow = Awaited<ReturnType<Db["incident"]["findUniqueOrThrow"]>>;
type ListInput = z.output<typeof incidentListInputSchema>;
type ReadServices = { db: Db; logger: Pick<Logger, "warn"> };

function asStatus(value: string): IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(value) ? (value as IncidentStatus) : "Investigating";
}

function asSeverity(value: string): Severity {
  return (SEVERITIES as readonly string[]).includes(value) ? (value as Severity) : "SEV3";
}

/** The stored postmortem; an empty one (all defaults) before anyone wrote it. */
export function readPostmortem(text: string): Postmortem {
  try {
    const parsed = postmortemSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: written only through savePostmortem, so this is the "{}" default or a bug; show empty.
  }
  return postmortemSchema.parse({});
}

/** Summaries of several incidents in four queries, whatever their number. */
export async function toSummaries(db: Db, rows: readonly IncidentRow[]): Promise<IncidentSummary[]> {
  const ids = (pick: (row: IncidentRow) => string | null) => [
    ...new Set(rows.flatMap((row) => (pick(row) ? [pick(row) as string] : []))),
  ];
  const [apps, hosts, leads, counts] = await Promise.all([
    db.app.findMany({ where: { id: { in: ids((row) => row.appId) } }, select: { id: true, name: true } }),
    db.host.findMany({ where: { id: { in: ids((row) => row.hostId) } }, select: { id: true, name: true } }),
    db.user.findMany({
      where: { id: { in: ids((row) => row.leadId) } },
      select: { id: true, email: true, name: true },
    }),
    db.signal.groupBy({
      by: ["incidentId"],
      where: { incidentId: { in: rows.map((row) => row.id) } },
      _count: { _all: true },
    }),
  ]);
  const appNames = new Map(apps.map((app) => [app.id, app.name]));
  const hostsById = new Map(hosts.map((host) => [host.id, host]));
  const leadsById = new Map(leads.map((lead) => [lead.id, lead]));
  const signalCounts = new Map(counts.map((count) => [count.incidentId, count._count._all]));
  return rows.map((row) => {
    const lead = row.leadId ? leadsById.get(row.leadId) : undefined;
    return {
      id: row.id,
      number: row.number,
      title: row.title,
      severity: asSeverity(row.severity),
      status: asStatus(row.status),
      app: row.appId ? (appNames.get(row.appId) ?? null) : null,
      host: row.hostId ? (hostsById.get(row.hostId) ?? null) : null,
      lead: lead ? { id: lead.id, email: lead.email, name: lead.name } : null,
      openedAt: row.openedAt.toISOString(),
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
      openedBy: row.openedByEmail ?? "signal",
      signals: signalCounts.get(row.id) ?? 0,
    };
  });
}

export async function toSummary(db: Db, row: IncidentRow): Promise<IncidentSummary> {
  const [summary] = await toSummaries(db, [row]);
  if (!summary) throw new Error("toSummaries returned nothing for one incident");
  return summary;
}

export async function listIncidents(db: Db, teamId: string, input: ListInput): Promise<IncidentSummary[]> {
  let appId: string | undefined;
  if (input.app) {
    const app = await db.app.findUnique({ where: { teamId_name: { teamId, name: input.app } }, select: { id: true } });
    // An app that does not exist has no incidents: a filter, not a lookup.
    if (!app) return [];
    appId = app.id;
  }
  const rows = await db.incident.findMany({
    where: {
      teamId,
      ...(input.status === "open" ? { status: statusIn(OPEN_INCIDENT_STATUSES) } : {}),
      ...(input.status === "resolved" ? { status: "Resolved" } : {}),
      ...(input.severity ? { severity: input.severity } : {}),
      ...(appId ? { appId } : {}),
    },
    orderBy: [{ openedAt: "desc" }, { number: "desc" }],
    take: input.limit,
  });
  return toSummaries(db, rows);
}

/** The team's incident, or NOT_FOUND (another team's incident is not found either). */
export async function findIncident(db: Db, teamId: string, id: string): Promise<IncidentRow> {
  const row = await db.incident.findFirst({ where: { id, teamId } });
  if (!row) throw new AppError("NOT_FOUND", "There is no such incident in your team (see the Incidents page).");
  return row;
}

export async function incidentDetail(
  services: ReadServices,
  teamId: string,
  id: string,
  readerRole: Role,
): Promise<IncidentDetail> {
  const row = await findIncident(services.db, teamId, id);
  const [summary, timeline, runbooks] = await Promise.all([
    toSummary(services.db, row),
    readTimeline(services, teamId, row, readerRole),
    runbookRunsOf(services.db, row.id),
  ]);
  return { ...summary, fingerprint: row.fingerprint, timeline, runbooks, postmortem: readPostmortem(row.postmortem) };
}

/** Open incidents by severity, for wheelhouse_incidents_open. */
export async function countOpenIncidentsBySeverity(db: Db): Promise<Record<string, number>> {
  const groups = await db.incident.groupBy({
    by: ["severity"],
    where: { status: statusIn(OPEN_INCIDENT_STATUSES) },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((group) => [group.severity, group._count._all]));
}
