// Incidents, the team's signal rules and its recent signals over tRPC and REST (/api/v1/incidents…,
// /api/v1/signals…). Everyone reads; operators open and work incidents; admins edit the rules.
import {
  incidentDetailSchema,
  incidentListInputSchema,
  incidentNoteInputSchema,
  incidentRefSchema,
  incidentRulesInputSchema,
  incidentRulesSchema,
  incidentSummarySchema,
  openIncidentInputSchema,
  postmortemInputSchema,
  postmortemSchema,
  recentSignalsInputSchema,
  signalSchema,
  updateIncidentInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { addNote, openIncident, savePostmortem, updateIncident } from "./incident-changes";
import { readTeamRules, saveTeamRules } from "./incident-rules-store";
import { incidentDetail, listIncidents, toSummary } from "./incidents";
import { recentSignals } from "./recent-signals";

const TAGS = ["incidents"];
const SIGNAL_TAGS = ["signals"];

const incidentTarget = (id: string) => ({ type: "incident", id });
const incidentAnswer = z.object({ incident: incidentSummarySchema });
const rulesAnswer = z.object({ rules: incidentRulesSchema, isDefault: z.boolean() });

export const incidentsRouter = router({
  list: withPermission("incidents.read")
    .meta(
      rest("GET", "/incidents", "The team's incidents, newest first (open ones unless status says otherwise)", TAGS),
    )
    .input(incidentListInputSchema)
    .output(z.object({ incidents: z.array(incidentSummarySchema) }))
    .query(async ({ ctx, input }) => ({ incidents: await listIncidents(ctx.services.db, ctx.user.team.id, input) })),

  get: withPermission("incidents.read")
    .meta(rest("GET", "/incidents/{id}", "One incident with its timeline, runbooks and postmortem", TAGS))
    .input(incidentRefSchema)
    .output(z.object({ incident: incidentDetailSchema }))
    .query(async ({ ctx, input }) => ({
      incident: await incidentDetail(ctx.services, ctx.user.team.id, input.id, ctx.user.role),
    })),

  open: withPermission("incidents.manage")
    .meta(
      rest(
        "POST",
        "/incidents",
        "Open an incident by hand (status Investigating; you lead it unless leadId says who)",
        TAGS,
      ),
    )
    .input(openIncidentInputSchema)
    .output(incidentAnswer)
    .mutation(async ({ ctx, input }) => {
      const row = await openIncident(ctx.services, ctx.user.team.id, ctx.user, input);
      await ctx.audit({
        action: "incidents.open",
        target: incidentTarget(row.id),
        details: { number: row.number, title: row.title, severity: row.severity, app: input.app ?? null },
      });
      return { incident: await toSummary(ctx.services.db, row) };
    }),

  update: withPermission("incidents.manage")
    .meta(rest("PATCH", "/incidents/{id}", "Change an incident's status, severity, lead or title", TAGS))
    .input(updateIncidentInputSchema)
    .output(incidentAnswer)
    .mutation(async ({ ctx, input }) => {
      const { row, changes } = await updateIncident(ctx.services, ctx.user.team.id, ctx.user, input);
      if (Object.keys(changes).length > 0) {
        await ctx.audit({
          action: "incidents.update",
          target: incidentTarget(row.id),
          details: { number: row.number, changes },
        });
      }
      return { incident: await toSummary(ctx.services.db, row) };
    }),

  addNote: withPermission("incidents.manage")
    .meta(rest("POST", "/incidents/{id}/notes", "Add a note to an incident's timeline", TAGS))
    .input(incidentNoteInputSchema)
    .output(incidentAnswer)
    .mutation(async ({ ctx, input }) => {
      const row = await addNote(ctx.services, ctx.user.team.id, ctx.user, input);
      await ctx.audit({
        action: "incidents.note",
        target: incidentTarget(row.id),
        details: { number: row.number, characters: input.text.length },
      });
      return { incident: await toSummary(ctx.services.db, row) };
    }),

  savePostmortem: withPermission("incidents.manage")
    .meta(rest("PUT", "/incidents/{id}/postmortem", "Save an incident's postmortem (replaces the previous text)", TAGS))
    .input(postmortemInputSchema)
    .output(z.object({ postmortem: postmortemSchema }))
    .mutation(async ({ ctx, input }) => {
      const { row, postmortem } = await savePostmortem(ctx.services, ctx.user.team.id, ctx.user, input);
      await ctx.audit({
        action: "incidents.postmortem",
        target: incidentTarget(row.id),
        details: { number: row.number, actionItems: postmortem.actionItems.length },
      });
      return { postmortem };
    }),

  rules: withPermission("incidents.read")
    .meta(
      rest(
        "GET",
        "/signals/rules",
        "Which signals open an incident, at which severity (first match decides)",
        SIGNAL_TAGS,
      ),
    )
    .input(z.object({}).strict().optional())
    .output(rulesAnswer)
    .query(({ ctx }) => readTeamRules(ctx.services.db, ctx.user.team.id)),

  saveRules: withPermission("signals.manage")
    .meta(
      rest(
        "PUT",
        "/signals/rules",
        "Replace the team's signal rules (an ordered list; the first match decides)",
        SIGNAL_TAGS,
      ),
    )
    .input(incidentRulesInputSchema)
    .output(rulesAnswer)
    .mutation(async ({ ctx, input }) => {
      const saved = await saveTeamRules(ctx.services.db, ctx.user.team.id, input.rules, ctx.user);
      await ctx.audit({
        action: "signals.rules.update",
        target: { type: "team", id: ctx.user.team.id },
        details: { rules: saved.rules.length },
      });
      return saved;
    }),

  signals: withPermission("incidents.read")
    .meta(rest("GET", "/signals", "The team's recent signals, newest first, and what became of each", SIGNAL_TAGS))
    .input(recentSignalsInputSchema)
    .output(z.object({ signals: z.array(signalSchema) }))
    .query(async ({ ctx, input }) => ({
      signals: await recentSignals(ctx.services.db, ctx.user.team.id, input.limit),
    })),
});
