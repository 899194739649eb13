// Changing incidents, as people do on the incident page or through the API: open one by hand,
// move its status (Resolved sets resolvedAt, reopening clears it), change its severity, lead or
// title, add notes, save the postmortem. Each change and its timeline entry commit together, then
// the team's pages are told (incidentChanged).
import type { EventEmitter } from "node:events";
import type {
  IncidentStatus,
  incidentNoteInputSchema,
  openIncidentInputSchema,
  Postmortem,
  postmortemInputSchema,
  Severity,
  updateIncidentInputSchema,
} from "@wheelhouse/shared";
import type { z } from "zod";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { incidentOpenedNotification, incidentResolvedNotification } from "../notifications/event-notifications";
import { type NotifyServices, notifySafely } from "../notifications/notify";
import type { PortalEvents } from "../services";
import { appendIncidentEvent } from "./incident-events";
import { withNextIncidentNumber } from "./incident-numbers";
import { findIncident, type IncidentRow } from "./incidents";

type Services = { db: Db; events: EventEmitter<PortalEvents> } & NotifyServices;
type Actor = { id: string; email: string };

/** A lead is a member of the team; returns their email for the timeline. */
async function leadEmail(db: Db, teamId: string, userId: string): Promise<string> {
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId, teamId } },
    select: { user: { select: { email: true, disabledAt: true } } },
  });
  if (!membership || membership.user.disabledAt) {
    throw new AppError("BAD_INPUT", "The lead must be an active member of your team (see the Users page).");
  }
  return membership.user.email;
}

function changed(services: Services, row: IncidentRow): IncidentRow {
  services.events.emit("incidentChanged", row.teamId, row.id);
  return row;
}

export async function openIncident(
  services: Services,
  teamId: string,
  actor: Actor,
  input: z.output<typeof openIncidentInputSchema>,
): Promise<IncidentRow> {
  const { db } = services;
  let appId: string | null = null;
  if (input.app) {
    const app = await db.app.findUnique({ where: { teamId_name: { teamId, name: input.app } }, select: { id: true } });
    if (!app) throw new AppError("NOT_FOUND", `There is no app named ${input.app} in your team.`);
    appId = app.id;
  }
  if (input.hostId) {
    const host = await db.host.findFirst({ where: { id: input.hostId, teamId }, select: { id: true } });
    if (!host) throw new AppError("NOT_FOUND", "There is no such host in your team (see the Hosts page).");
  }
  const leadId = input.leadId ?? actor.id;
  const lead = await leadEmail(db, teamId, leadId);
  const at = new Date();
  const row = await withNextIncidentNumber(db, teamId, async (tx, number) => {
    const incident = await tx.incident.create({
      data: {
        teamId,
        number,
        title: input.title,
        severity: input.severity,
        status: "Investigating",
        appId,
        hostId: input.hostId ?? null,
        leadId,
        openedById: actor.id,
        openedByEmail: actor.email,
        openedAt: at,
      },
    });
    const summary = input.summary?.trim() || input.title;
    await appendIncidentEvent(
      tx,
      incident.id,
      "opened",
      { source: "person", severity: input.severity, summary },
      actor,
      at,
    );
    await appendIncidentEvent(tx, incident.id, "lead", { leadEmail: lead }, actor, at);
    return incident;
  });
  await notifySafely(
    services,
    teamId,
    incidentOpenedNotification(
      { id: row.id, number: row.number, title: row.title, severity: row.severity, appId: row.appId },
      { source: "person", email: actor.email },
    ),
  );
  return changed(services, row);
}

export interface IncidentUpdate {
  row: IncidentRow;
  /** What changed, for the audit entry: e.g. { status: { from, to } }. */
  changes: Record<string, { from: string | null; to: string | null }>;
}

export async function updateIncident(
  services: Services,
  teamId: string,
  actor: Actor,
  input: z.output<typeof updateIncidentInputSchema>,
): Promise<IncidentUpdate> {
  const { db } = services;
  const current = await findIncident(db, teamId, input.id);
  const changes: IncidentUpdate["changes"] = {};
  const status = input.status !== undefined && input.status !== current.status ? input.status : undefined;
  const severity = input.severity !== undefined && input.severity !== current.severity ? input.severity : undefined;
  const leadChanges = input.leadId !== undefined && input.leadId !== current.leadId;
  const title = input.title !== undefined && input.title !== current.title ? input.title : undefined;
  const newLeadEmail = leadChanges && input.leadId ? await leadEmail(db, teamId, input.leadId) : null;
  if (status) changes.status = { from: current.status, to: status };
  if (severity) changes.severity = { from: current.severity, to: severity };
  if (leadChanges) changes.lead = { from: current.leadId, to: input.leadId ?? null };
  if (title) changes.title = { from: current.title, to: title };
  if (Object.keys(changes).length === 0) return { row: current, changes };

  const at = new Date();
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.incident.update({
      where: { id: current.id },
      data: {
        ...(status ? { status, resolvedAt: status === "Resolved" ? at : null } : {}),
        ...(severity ? { severity } : {}),
        ...(leadChanges ? { leadId: input.leadId ?? null } : {}),
        ...(title ? { title } : {}),
      },
    });
    if (status) {
      const from = current.status as IncidentStatus;
      await appendIncidentEvent(tx, current.id, "status", { from, to: status }, actor, at);
    }
    if (severity) {
      const from = current.severity as Severity;
      await appendIncidentEvent(tx, current.id, "severity", { from, to: severity }, actor, at);
    }
    if (leadChanges) await appendIncidentEvent(tx, current.id, "lead", { leadEmail: newLeadEmail }, actor, at);
    return updated;
  });
  if (status === "Resolved") {
    const facts = { id: row.id, number: row.number, title: row.title, severity: row.severity, appId: row.appId };
    await notifySafely(services, teamId, incidentResolvedNotification(facts, actor.email));
  }
  return { row: changed(services, row), changes };
}

export async function addNote(
  services: Services,
  teamId: string,
  actor: Actor,
  input: z.output<typeof incidentNoteInputSchema>,
): Promise<IncidentRow> {
  const row = await findIncident(services.db, teamId, input.id);
  await appendIncidentEvent(services.db, row.id, "note", { text: input.text }, actor);
  return changed(services, row);
}

export async function savePostmortem(
  services: Services,
  teamId: string,
  actor: Actor,
  input: z.output<typeof postmortemInputSchema>,
): Promise<{ row: IncidentRow; postmortem: Postmortem }> {
  const { db } = services;
  const current = await findIncident(db, teamId, input.id);
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.incident.update({
      where: { id: current.id },
      data: { postmortem: JSON.stringify(input.postmortem) },
    });
    // The timeline says that it was written and by whom; the postmortem itself is its own section.
    await appendIncidentEvent(tx, current.id, "postmortem", { summary: input.postmortem.summary.slice(0, 500) }, actor);
    return updated;
  });
  return { row: changed(services, row), postmortem: input.postmortem };
}
