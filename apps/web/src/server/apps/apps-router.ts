// Apps, releases and deployments over tRPC; the procedures with `meta.openapi` are also the REST
// API under /api/v1 (http/rest-api.ts), which the `wheelhouse` CLI uses.
import {
  appDetailSchema,
  appRefSchema,
  approvalPendingSchema,
  appSchema,
  can,
  createAppInputSchema,
  deployInputSchema,
  deploymentLogInputSchema,
  deploymentLogSchema,
  deploymentRefSchema,
  deploymentSchema,
  gatedDeploymentSchema,
  imageStatusInputSchema,
  imageStatusSchema,
  maintenanceInputSchema,
  releaseSchema,
  restartInputSchema,
  rollbackInputSchema,
  scaleInputSchema,
  updateAppInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { type GateAnswer, gated } from "../approvals/approval-gate";
import { getDeployment, listDeployments, readDeploymentLog } from "../deployments/deployment-reads";
import { imageStatus } from "../hooks/push-status";
import { listReleases } from "../releases/releases";
import { rest } from "../trpc/rest";
import { authedProcedure, router, withPermission } from "../trpc/trpc";
import { addApp, changeApp } from "./app-changes";
import { appDetail, getApp, listApps, toAppDto } from "./apps";

const TAGS = ["apps"];

const appTarget = (id: string) => ({ type: "app", id });

/** The deployment when the action ran, the request when it waits. */
function answerOf(gate: GateAnswer) {
  return {
    ...(gate.run?.deployment ? { deployment: gate.run.deployment } : {}),
    ...(gate.approval ? { approval: gate.approval } : {}),
  };
}

export const appsRouter = router({
  list: withPermission("apps.read")
    .meta(rest("GET", "/apps", "The team's apps", TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ apps: z.array(appSchema) }))
    .query(async ({ ctx }) => ({ apps: await listApps(ctx.services.db, ctx.user.team.id) })),

  get: withPermission("apps.read")
    .meta(rest("GET", "/apps/{name}", "One app, with its instances", TAGS))
    .input(appRefSchema)
    .output(z.object({ app: appDetailSchema }))
    .query(async ({ ctx, input }) => ({ app: await appDetail(ctx.services.db, ctx.user.team.id, input.name) })),

  create: withPermission("apps.create")
    .meta(rest("POST", "/apps", "Create an app (nothing runs until a deploy)", TAGS))
    .input(createAppInputSchema)
    .output(z.object({ app: appSchema }))
    .mutation(async ({ ctx, input }) => {
      const { record, app } = await addApp(ctx.services, ctx.user.team.id, input);
      await ctx.audit({
        action: "apps.create",
        target: appTarget(record.id),
        details: {
          name: record.name,
          image: record.image,
          environment: record.environment,
          secrets: Object.keys(record.sealedSecrets),
        },
      });
      return { app };
    }),

  update: withPermission("apps.update")
    .meta(rest("PATCH", "/apps/{name}", "Change an app's settings (applies at the next deploy)", TAGS))
    .input(updateAppInputSchema)
    .output(z.object({ app: appSchema }))
    .mutation(async ({ ctx, input }) => {
      const { record, app, changed } = await changeApp(ctx.services, ctx.user.team.id, input);
      await ctx.audit({ action: "apps.update", target: appTarget(record.id), details: { name: record.name, changed } });
      return { app };
    }),

  // The five gated actions (issue 14): each asks approval-gate.ts, which checks the permission (the
  // action's own, or approvals.break-glass when asked for), runs the action when no policy gates it
  // or break-glass is used, and otherwise opens an approval request and answers it instead.
  maintenance: authedProcedure
    .meta(rest("PUT", "/apps/{name}/maintenance", "Serve the maintenance page (on) or the app (off)", TAGS))
    .input(maintenanceInputSchema)
    .output(z.object({ app: appSchema, approval: approvalPendingSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { name, enabled, reason, breakGlass } = input;
      const gate = await gated(ctx, { action: "apps.maintenance", name, enabled }, { reason, breakGlass });
      return { app: await toAppDto(ctx.services.db, gate.run?.app ?? gate.app), ...answerOf(gate) };
    }),

  deploy: authedProcedure
    .meta(rest("POST", "/apps/{name}/deployments", "Release an image and deploy it", TAGS))
    .input(deployInputSchema)
    .output(gatedDeploymentSchema)
    .mutation(async ({ ctx, input }) => {
      const { name, image, reason, breakGlass } = input;
      return answerOf(await gated(ctx, { action: "apps.deploy", name, image }, { reason, breakGlass }));
    }),

  rollback: authedProcedure
    .meta(rest("POST", "/apps/{name}/rollback", "Deploy an earlier release's exact digest and configuration", TAGS))
    .input(rollbackInputSchema)
    .output(gatedDeploymentSchema)
    .mutation(async ({ ctx, input }) => {
      const { name, releaseNumber, reason, breakGlass } = input;
      return answerOf(await gated(ctx, { action: "apps.rollback", name, releaseNumber }, { reason, breakGlass }));
    }),

  restart: authedProcedure
    .meta(rest("POST", "/apps/{name}/restart", "Replace the live instances with fresh ones of the same release", TAGS))
    .input(restartInputSchema)
    .output(gatedDeploymentSchema)
    .mutation(async ({ ctx, input }) => {
      const { name, reason, breakGlass } = input;
      return answerOf(await gated(ctx, { action: "apps.restart", name }, { reason, breakGlass }));
    }),

  scale: authedProcedure
    .meta(rest("POST", "/apps/{name}/scale", "Run the live release with another number of instances per host", TAGS))
    .input(scaleInputSchema)
    .output(gatedDeploymentSchema)
    .mutation(async ({ ctx, input }) => {
      const { name, replicas, reason, breakGlass } = input;
      return answerOf(await gated(ctx, { action: "apps.scale", name, replicas }, { reason, breakGlass }));
    }),

  releases: withPermission("apps.read")
    .meta(rest("GET", "/apps/{name}/releases", "Releases, newest first", TAGS))
    .input(appRefSchema)
    .output(z.object({ releases: z.array(releaseSchema) }))
    .query(async ({ ctx, input }) => {
      const app = await getApp(ctx.services.db, ctx.user.team.id, input.name);
      return { releases: await listReleases(ctx.services.db, app) };
    }),

  // Seed 002's runbook "pushed but not deployed" runs this as its automatic steps (issue 13).
  imageStatus: withPermission("apps.read")
    .meta(
      rest(
        "GET",
        "/apps/{name}/image-status",
        "Last push received, auto-deploy, live and last deployed digests; registry=ask also asks the registry for the tag's digest",
        TAGS,
      ),
    )
    .input(imageStatusInputSchema)
    .output(imageStatusSchema)
    .query(({ ctx, input }) =>
      imageStatus(ctx.services, ctx.user.team.id, input.name, { askRegistry: input.registry === "ask" }),
    ),

  deployments: withPermission("apps.read")
    .meta(rest("GET", "/apps/{name}/deployments", "Deployments, newest first", TAGS))
    .input(appRefSchema)
    .output(z.object({ deployments: z.array(deploymentSchema) }))
    .query(async ({ ctx, input }) => {
      const app = await getApp(ctx.services.db, ctx.user.team.id, input.name);
      return { deployments: await listDeployments(ctx.services.db, app) };
    }),

  deployment: withPermission("apps.read")
    .meta(rest("GET", "/deployments/{id}", "One deployment and its transitions", TAGS))
    .input(deploymentRefSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .query(async ({ ctx, input }) => ({
      deployment: await getDeployment(ctx.services.db, ctx.user.team.id, input.id),
    })),

  deploymentLog: withPermission("apps.read")
    .meta(rest("GET", "/deployments/{id}/log", "The deployment's log lines after `after`", TAGS))
    .input(deploymentLogInputSchema)
    .output(deploymentLogSchema)
    .query(({ ctx, input }) =>
      // The container's own output in the log needs logs.read; apps.read alone gets Wheelhouse's lines.
      readDeploymentLog(ctx.services.db, ctx.user.team.id, input.id, input.after, {
        containerOutput: can(ctx.user.role, "logs.read"),
      }),
    ),
});
