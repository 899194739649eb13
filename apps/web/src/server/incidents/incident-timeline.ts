// An incident's timeline: its stored events (IncidentEvent: opened, signals, status, notes, runbook
// steps…) composed at read time with what other tables already record for the incident's window,
// so nothing has to remember to write them (decision 031):
//   - deployments of its app that ran during [openedAt − 15 min, resolvedAt or now]: the deploy that
//     failed and opened it, or the one that went Live minutes before its health failed, belongs to it;
//   - shell sessions opened in that window on its app's containers, or on its host / the app's hosts,
//     with `hasRecording` only when the reader may play the recording (terminal-requests.ts
//     playRecording: host shells need hosts.shell, container shells logs.read);
//   - approval requests of its app made in the same window as deployments (issue 14), with their
//     reviews: a break-glass run shows on the timeline of every incident of the app open at the time.
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  approvalParamsSchema,
  can,
  DEPLOYMENT_STATUSES,
  type DeploymentStatus,
  describeApprovalParams,
  GATED_ACTIONS,
  type GatedAction,
  REVIEW_DECISIONS,
  type ReviewDecision,
  type Role,
  STORED_TIMELINE_DATA,
  type StoredTimelineKind,
  type TimelineEntry,
  timelineEntrySchema,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import type { Logger } from "../logging/logger";

/** A flapping source could write many entries; the newest this many stored ones are shown. */
export const MAX_STORED_ENTRIES = 2_000;
const MAX_COMPOSED_ENTRIES = 500;
/** How long before an incident opened a deployment still counts as part of its story. */
export const DEPLOYMENT_LEAD_MS = 15 * 60_000;

export interface TimelineWindow {
  id: string;
  appId: string | null;
  hostId: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface StoredEventRow {
  id: number;
  at: Date;
  kind: string;
  actorEmail: string | null;
  data: string;
}

export interface DeploymentRow {
  id: string;
  kind: string;
  status: string;
  failureReason: string | null;
  requestedByEmail: string | null;
  createdAt: Date;
  release: { number: number } | null;
}

export interface ShellRow {
  id: string;
  kind: string;
  userEmail: string;
  hostName: string;
  containerName: string | null;
  startedAt: Date;
  endedAt: Date | null;
  recordingPath: string | null;
}

export interface ApprovalRow {
  id: string;
  number: number;
  action: string;
  params: string;
  status: string;
  breakGlass: boolean;
  reason: string;
  requesterEmail: string;
  createdAt: Date;
  reviews: { reviewerEmail: string; decision: string; comment: string; createdAt: Date }[];
}

const isOneOf =
  <T extends string>(values: readonly T[]) =>
  (value: string): value is T =>
    (values as readonly string[]).includes(value);
const isGatedAction = isOneOf<GatedAction>(GATED_ACTIONS);
const isApprovalStatus = isOneOf<ApprovalStatus>(APPROVAL_STATUSES);
const isDecision = isOneOf<ReviewDecision>(REVIEW_DECISIONS);

function isStoredKind(kind: string): kind is StoredTimelineKind {
  return Object.hasOwn(STORED_TIMELINE_DATA, kind);
}

function isDeploymentStatus(status: string): status is DeploymentStatus {
  return (DEPLOYMENT_STATUSES as readonly string[]).includes(status);
}

function shellKind(kind: string): "container" | "host" | "exec" {
  return kind === "host" || kind === "exec" ? kind : "container";
}

/** A stored row as a typed entry; null when its data does not parse (logged by the caller). */
export function storedEntry(row: StoredEventRow): TimelineEntry | null {
  if (!isStoredKind(row.kind)) return null;
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    return null;
  }
  const parsed = timelineEntrySchema.safeParse({
    id: `e${row.id}`,
    at: row.at.toISOString(),
    actor: row.actorEmail,
    kind: row.kind,
    data,
  });
  return parsed.success ? parsed.data : null;
}

export function deploymentEntry(row: DeploymentRow): TimelineEntry | null {
  if (!isDeploymentStatus(row.status)) return null;
  return {
    id: `d${row.id}`,
    at: row.createdAt.toISOString(),
    actor: row.requestedByEmail,
    kind: "deployment",
    data: {
      deploymentId: row.id,
      kind: row.kind,
      status: row.status,
      releaseNumber: row.release?.number ?? null,
      failureReason: row.failureReason,
    },
  };
}

export function shellEntry(row: ShellRow, readerRole: Role): TimelineEntry {
  const kind = shellKind(row.kind);
  const mayPlay = can(readerRole, kind === "host" ? "hosts.shell" : "logs.read");
  return {
    id: `s${row.id}`,
    at: row.startedAt.toISOString(),
    actor: row.userEmail,
    kind: "shell",
    data: {
      sessionId: row.id,
      kind,
      hostName: row.hostName,
      containerName: row.containerName,
      endedAt: row.endedAt?.toISOString() ?? null,
      hasRecording: row.recordingPath !== null && mayPlay,
    },
  };
}

/** A request as a timeline entry; null when its row does not parse (written only by approvals/, which parses). */
export function approvalEntry(row: ApprovalRow): TimelineEntry | null {
  if (!isGatedAction(row.action) || !isApprovalStatus(row.status)) return null;
  let params: unknown;
  try {
    params = JSON.parse(row.params);
  } catch {
    return null;
  }
  const parsed = approvalParamsSchema.safeParse(params);
  if (!parsed.success) return null;
  return {
    id: `a${row.id}`,
    at: row.createdAt.toISOString(),
    actor: row.requesterEmail,
    kind: "approval",
    data: {
      requestId: row.id,
      number: row.number,
      action: row.action,
      summary: describeApprovalParams(parsed.data),
      status: row.status,
      breakGlass: row.breakGlass,
      reason: row.reason,
      requester: row.requesterEmail,
      reviews: row.reviews.flatMap((review) =>
        isDecision(review.decision)
          ? [
              {
                email: review.reviewerEmail,
                decision: review.decision,
                comment: review.comment,
                at: review.createdAt.toISOString(),
              },
            ]
          : [],
      ),
    },
  };
}

/**
 * Oldest first. Entries at the same instant keep their source order: stored events in the order
 * they were written (opened before its signal), then deployments, then shells.
 */
export function composeTimeline(parts: {
  stored: readonly TimelineEntry[];
  deployments: readonly TimelineEntry[];
  shells: readonly TimelineEntry[];
  approvals?: readonly TimelineEntry[];
}): TimelineEntry[] {
  const all = [...parts.stored, ...parts.deployments, ...parts.shells, ...(parts.approvals ?? [])];
  return all
    .map((entry, index) => ({ entry, index, time: Date.parse(entry.at) }))
    .sort((a, b) => a.time - b.time || a.index - b.index)
    .map(({ entry }) => entry);
}

/** The deployments of the app that were under way at any moment of [openedAt − lead, to]. */
async function deploymentsDuring(db: Db, appId: string, openedAt: Date, to: Date): Promise<DeploymentRow[]> {
  const from = new Date(openedAt.getTime() - DEPLOYMENT_LEAD_MS);
  return db.deployment.findMany({
    where: {
      appId,
      createdAt: { lte: to },
      // Still running, or finished within the window: the failed deploy that opened it counts.
      OR: [{ finishedAt: null }, { finishedAt: { gte: from } }],
    },
    orderBy: { createdAt: "asc" },
    take: MAX_COMPOSED_ENTRIES,
    select: {
      id: true,
      kind: true,
      status: true,
      failureReason: true,
      requestedByEmail: true,
      createdAt: true,
      release: { select: { number: true } },
    },
  });
}

/** The app's approval requests made in [openedAt − lead, to], with their reviews. */
async function approvalsDuring(db: Db, appId: string, openedAt: Date, to: Date): Promise<ApprovalRow[]> {
  return db.approvalRequest.findMany({
    where: { appId, createdAt: { gte: new Date(openedAt.getTime() - DEPLOYMENT_LEAD_MS), lte: to } },
    orderBy: { createdAt: "asc" },
    take: MAX_COMPOSED_ENTRIES,
    select: {
      id: true,
      number: true,
      action: true,
      params: true,
      status: true,
      breakGlass: true,
      reason: true,
      requesterEmail: true,
      createdAt: true,
      reviews: {
        orderBy: { createdAt: "asc" },
        select: { reviewerEmail: true, decision: true, comment: true, createdAt: true },
      },
    },
  });
}

async function shellsDuring(db: Db, teamId: string, incident: TimelineWindow, to: Date): Promise<ShellRow[]> {
  const hostIds = new Set<string>(incident.hostId ? [incident.hostId] : []);
  let containerIds: string[] = [];
  if (incident.appId) {
    const [hosts, instances] = await Promise.all([
      db.appHost.findMany({ where: { appId: incident.appId }, select: { hostId: true } }),
      db.containerInstance.findMany({
        where: { appId: incident.appId, containerId: { not: null } },
        select: { containerId: true },
      }),
    ]);
    for (const host of hosts) hostIds.add(host.hostId);
    containerIds = instances.flatMap((instance) => (instance.containerId ? [instance.containerId] : []));
  }
  const on = [
    ...(hostIds.size > 0 ? [{ kind: "host", hostId: { in: [...hostIds] } }] : []),
    ...(containerIds.length > 0 ? [{ containerId: { in: containerIds } }] : []),
  ];
  if (on.length === 0) return [];
  return db.terminalSession.findMany({
    where: { teamId, startedAt: { gte: incident.openedAt, lte: to }, OR: on },
    orderBy: { startedAt: "asc" },
    take: MAX_COMPOSED_ENTRIES,
    select: {
      id: true,
      kind: true,
      userEmail: true,
      hostName: true,
      containerName: true,
      startedAt: true,
      endedAt: true,
      recordingPath: true,
    },
  });
}

/** The whole timeline of one incident as `readerRole` may see it. */
export async function readTimeline(
  services: { db: Db; logger: Pick<Logger, "warn"> },
  teamId: string,
  incident: TimelineWindow,
  readerRole: Role,
  now = new Date(),
): Promise<TimelineEntry[]> {
  const { db, logger } = services;
  const to = incident.resolvedAt ?? now;
  const [rows, deployments, shells, approvals] = await Promise.all([
    db.incidentEvent.findMany({
      where: { incidentId: incident.id },
      orderBy: { id: "desc" },
      take: MAX_STORED_ENTRIES,
      select: { id: true, at: true, kind: true, actorEmail: true, data: true },
    }),
    incident.appId ? deploymentsDuring(db, incident.appId, incident.openedAt, to) : Promise.resolve([]),
    shellsDuring(db, teamId, incident, to),
    incident.appId ? approvalsDuring(db, incident.appId, incident.openedAt, to) : Promise.resolve([]),
  ]);
  const stored: TimelineEntry[] = [];
  for (const row of rows.reverse()) {
    const entry = storedEntry(row);
    // Written through appendIncidentEvent, which parses: a row that does not parse is a bug to see.
    if (entry) stored.push(entry);
    else logger.warn({ incidentId: incident.id, eventId: row.id, kind: row.kind }, "an incident event does not parse");
  }
  return composeTimeline({
    stored,
    deployments: deployments.flatMap((row) => deploymentEntry(row) ?? []),
    shells: shells.map((row) => shellEntry(row, readerRole)),
    approvals: approvals.flatMap((row) => approvalEntry(row) ?? []),
  });
}
