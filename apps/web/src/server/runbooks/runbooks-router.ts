// Runbooks over tRPC and REST (/api/v1/runbooks…, /api/v1/incidents/{id}/runbooks,
// /api/v1/runbook-runs/…): the library and the team's versions, validation, and runs on incidents.
// Everyone reads; operators write runbooks and work them on incidents; a command step is an admin's.
import {
  attachRunbookInputSchema,
  incidentRefSchema,
  parseRunbook,
  runbookDetailSchema,
  runbookRefSchema,
  runbookRunSchema,
  runbookSummarySchema,
  runStepInputSchema,
  saveRunbookInputSchema,
  stepStateSchema,
  tickStepInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { authedProcedure, router, withPermission } from "../trpc/trpc";
import { getRunbook, listRunbooks } from "./runbook-lookup";
import { attachRunbook, runStep, teamIncidentRuns, tickStep } from "./runbook-runs";
import { saveTeamRunbook } from "./team-runbooks";

const TAGS = ["runbooks"];

const validationSchema = z.object({
  ok: z.boolean(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
});

export const runbooksRouter = router({
  list: withPermission("runbooks.read")
    .meta(rest("GET", "/runbooks", "The team's runbooks: the built-in library and its own (newest version each)", TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ runbooks: z.array(runbookSummarySchema) }))
    .query(async ({ ctx }) => ({ runbooks: await listRunbooks(ctx.services, ctx.user.team.id) })),

  get: withPermission("runbooks.read")
    .meta(
      rest("GET", "/runbooks/{slug}", "One runbook (a version of the team's, or its newest), with its versions", TAGS),
    )
    .input(runbookRefSchema)
    .output(runbookDetailSchema)
    .query(({ ctx, input }) => getRunbook(ctx.services, ctx.user.team.id, input.slug, input.version)),

  // A check of the text only: it writes nothing, so reading is enough.
  validate: withPermission("runbooks.read")
    // A mutation only because REST posts the draft; it changes nothing, so it writes no audit event.
    .meta({
      ...rest("POST", "/runbooks/validate", "Validate a runbook's YAML: every error with its line", TAGS),
      audit: "none",
    })
    .input(saveRunbookInputSchema)
    .output(validationSchema)
    .mutation(({ input }) => {
      const parsed = parseRunbook(input.source);
      return parsed.ok ? { ok: true, errors: [] } : { ok: false, errors: parsed.errors };
    }),

  // The permission depends on the text (a command step is an admin's): saveTeamRunbook checks and
  // audits it, like withPermission does for the others.
  save: authedProcedure
    .meta(rest("POST", "/runbooks", "Save a team runbook: a new version (the team's latest + 1)", TAGS))
    .input(saveRunbookInputSchema)
    .output(runbookDetailSchema)
    .mutation(async ({ ctx, input }) => {
      const saved = await saveTeamRunbook(ctx.services.db, ctx.user, ctx.ip, input.source);
      await ctx.audit({
        action: "runbooks.save",
        target: { type: "runbook", id: saved.slug },
        details: { slug: saved.slug, version: saved.version },
      });
      return getRunbook(ctx.services, ctx.user.team.id, saved.slug, saved.version);
    }),

  runs: withPermission("runbooks.read")
    .meta(rest("GET", "/incidents/{id}/runbooks", "The runbooks attached to an incident, each step's state", TAGS))
    .input(incidentRefSchema)
    .output(z.object({ runs: z.array(runbookRunSchema) }))
    .query(async ({ ctx, input }) => ({ runs: await teamIncidentRuns(ctx.services.db, ctx.user.team.id, input.id) })),

  attach: withPermission("runbooks.run")
    .meta(rest("POST", "/incidents/{id}/runbooks", "Attach a runbook to an incident, as it is now", TAGS))
    .input(attachRunbookInputSchema)
    .output(runbookRunSchema)
    .mutation(async ({ ctx, input }) => {
      const run = await attachRunbook(ctx.services, {
        teamId: ctx.user.team.id,
        incidentId: input.id,
        slug: input.slug,
        by: "hand",
        actor: ctx.user,
      });
      await ctx.audit({
        action: "runbooks.attach",
        target: { type: "incident", id: input.id },
        details: { runId: run.id, slug: run.slug, version: run.version },
      });
      return run;
    }),

  runStep: withPermission("runbooks.run")
    .meta(rest("POST", "/runbook-runs/{runId}/steps/{stepId}/run", "Run an automatic step's check now", TAGS))
    .input(runStepInputSchema)
    .output(stepStateSchema)
    .mutation(async ({ ctx, input }) => {
      const state = await runStep(ctx.services, { teamId: ctx.user.team.id, ...input, actor: ctx.user });
      await ctx.audit({
        action: "runbooks.step.run",
        target: { type: "runbook-run", id: input.runId },
        details: { stepId: input.stepId, outcome: state.outcome },
      });
      return state;
    }),

  tickStep: withPermission("runbooks.run")
    .meta(rest("POST", "/runbook-runs/{runId}/steps/{stepId}/tick", "Mark a manual step done or undone", TAGS))
    .input(tickStepInputSchema)
    .output(stepStateSchema)
    .mutation(async ({ ctx, input }) => {
      const state = await tickStep(ctx.services, { teamId: ctx.user.team.id, ...input, actor: ctx.user });
      await ctx.audit({
        action: "runbooks.step.tick",
        target: { type: "runbook-run", id: input.runId },
        details: { stepId: input.stepId, done: input.done },
      });
      return state;
    }),
});
