// Apps, releases and deployments over tRPC; the procedures with `meta.openapi` are also the REST
// API under /api/v1 (http/rest-api.ts), which the `wheelhouse` CLI uses.
import {
  appDetailSchema,
  appRefSchema,
  appSchema,
  can,
  createAppInputSchema,
  deployInputSchema,
  deploymentLogInputSchema,
  deploymentLogSchema,
  deploymentRefSchema,
  deploymentSchema,
  maintenanceInputSchema,
  releaseSchema,
  rollbackInputSchema,
  scaleInputSchema,
  updateAppInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { deploymentInclude, isFinished, readLog, toDeploymentDto } from "../deployments/deployment-records";
import { AppError } from "../errors/app-error";
import { findRelease, listReleases, liveReleaseId } from "../releases/releases";
import type { Context } from "../trpc/context";
import { router, withPermission } from "../trpc/trpc";
import { appDetail, createApp, getApp, listApps, setMaintenance, toAppDto, updateApp } from "./apps";

const TAGS = ["apps"];

type Actor = NonNullable<Context["user"]>;

async function audit(ctx: Context & { user: Actor }, action: string, target: string, details: Record<string, unknown>) {
  await recordAudit(ctx.services.db, {
    actor: ctx.user,
    teamId: ctx.user.team.id,
    action,
    target: { type: "app", id: target },
    outcome: "success",
    ip: ctx.ip,
    details,
  });
}

async function findDeployment(ctx: Context & { user: Actor }, id: string) {
  const deployment = await ctx.services.db.deployment.findFirst({
    where: { id, app: { teamId: ctx.user.team.id } },
    include: deploymentInclude,
  });
  if (!deployment) throw new AppError("NOT_FOUND", "There is no such deployment in your team.");
  return deployment;
}

export const appsRouter = router({
  list: withPermission("apps.read")
    .meta({ openapi: { method: "GET", path: "/apps", protect: true, tags: TAGS, summary: "The team's apps" } })
    .input(z.object({}).strict().optional())
    .output(z.object({ apps: z.array(appSchema) }))
    .query(async ({ ctx }) => ({ apps: await listApps(ctx.services.db, ctx.user.team.id) })),

  get: withPermission("apps.read")
    .meta({
      openapi: {
        method: "GET",
        path: "/apps/{name}",
        protect: true,
        tags: TAGS,
        summary: "One app, with its instances",
      },
    })
    .input(appRefSchema)
    .output(z.object({ app: appDetailSchema }))
    .query(async ({ ctx, input }) => ({ app: await appDetail(ctx.services.db, ctx.user.team.id, input.name) })),

  create: withPermission("apps.create")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps",
        protect: true,
        tags: TAGS,
        summary: "Create an app (nothing runs until a deploy)",
      },
    })
    .input(createAppInputSchema)
    .output(z.object({ app: appSchema }))
    .mutation(async ({ ctx, input }) => {
      const app = await createApp(ctx.services.db, ctx.services.secrets, ctx.user.team.id, input);
      await audit(ctx, "apps.create", app.id, {
        name: app.name,
        image: app.image,
        environment: app.environment,
        secrets: Object.keys(app.sealedSecrets),
      });
      return { app: await toAppDto(ctx.services.db, app) };
    }),

  update: withPermission("apps.update")
    .meta({
      openapi: {
        method: "PATCH",
        path: "/apps/{name}",
        protect: true,
        tags: TAGS,
        summary: "Change an app's settings (applies at the next deploy)",
      },
    })
    .input(updateAppInputSchema)
    .output(z.object({ app: appSchema }))
    .mutation(async ({ ctx, input }) => {
      const previousHosts = (await getApp(ctx.services.db, ctx.user.team.id, input.name)).hostIds;
      const { app, changed } = await updateApp(ctx.services.db, ctx.services.secrets, ctx.user.team.id, input);
      await audit(ctx, "apps.update", app.id, { name: app.name, changed });
      // Domains and maintenance are nginx's business and take effect at once on every host concerned.
      if (changed.includes("domains")) {
        const hosts = new Set([...previousHosts, ...app.hostIds]);
        await Promise.allSettled([...hosts].map((hostId) => ctx.services.nginx.apply(hostId)));
      }
      return { app: await toAppDto(ctx.services.db, app) };
    }),

  maintenance: withPermission("apps.maintenance")
    .meta({
      openapi: {
        method: "PUT",
        path: "/apps/{name}/maintenance",
        protect: true,
        tags: TAGS,
        summary: "Serve the maintenance page (on) or the app (off)",
      },
    })
    .input(maintenanceInputSchema)
    .output(z.object({ app: appSchema }))
    .mutation(async ({ ctx, input }) => {
      const app = await setMaintenance(ctx.services.db, ctx.user.team.id, input.name, input.enabled);
      const results = await Promise.allSettled(app.hostIds.map((hostId) => ctx.services.nginx.apply(hostId)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      await audit(ctx, input.enabled ? "apps.maintenance.on" : "apps.maintenance.off", app.id, {
        name: app.name,
        ...(failed ? { error: String((failed.reason as Error).message) } : {}),
      });
      if (failed) {
        throw new AppError(
          "NOT_READY",
          `Maintenance is ${input.enabled ? "on" : "off"} in Wheelhouse, but a host's nginx did not take it: ${(failed.reason as Error).message}`,
        );
      }
      return { app: await toAppDto(ctx.services.db, app) };
    }),

  deploy: withPermission("apps.deploy")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps/{name}/deployments",
        protect: true,
        tags: TAGS,
        summary: "Release an image and deploy it",
      },
    })
    .input(deployInputSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      let app = await getApp(db, ctx.user.team.id, input.name);
      if (input.image && input.image !== app.image) {
        app = (await updateApp(db, ctx.services.secrets, ctx.user.team.id, { name: app.name, image: input.image })).app;
      }
      const created = await ctx.services.deployments.request(app, {
        kind: "deploy",
        imageRef: app.image,
        reason: input.reason ?? null,
        actor: ctx.user,
      });
      await audit(ctx, "apps.deploy", app.id, { name: app.name, image: app.image, deploymentId: created.id });
      return { deployment: toDeploymentDto(await findDeployment(ctx, created.id)) };
    }),

  rollback: withPermission("apps.rollback")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps/{name}/rollback",
        protect: true,
        tags: TAGS,
        summary: "Deploy an earlier release's exact digest and configuration",
      },
    })
    .input(rollbackInputSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const app = await getApp(db, ctx.user.team.id, input.name);
      const release = await findRelease(db, app, input.releaseNumber);
      if ((await liveReleaseId(db, app.id)) === release.id) {
        throw new AppError("CONFLICT", `Release ${release.number} is already live.`);
      }
      const created = await ctx.services.deployments.request(app, {
        kind: "rollback",
        releaseId: release.id,
        reason: input.reason ?? `rollback to release ${release.number}`,
        actor: ctx.user,
      });
      await audit(ctx, "apps.rollback", app.id, {
        name: app.name,
        releaseNumber: release.number,
        imageDigest: release.imageDigest,
        deploymentId: created.id,
      });
      return { deployment: toDeploymentDto(await findDeployment(ctx, created.id)) };
    }),

  restart: withPermission("apps.deploy")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps/{name}/restart",
        protect: true,
        tags: TAGS,
        summary: "Replace the live instances with fresh ones of the same release",
      },
    })
    .input(appRefSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      const app = await getApp(db, ctx.user.team.id, input.name);
      const live = await liveReleaseId(db, app.id);
      if (!live) throw new AppError("CONFLICT", `${app.name} has no live release to restart. Deploy it first.`);
      const created = await ctx.services.deployments.request(app, {
        kind: "restart",
        releaseId: live,
        reason: null,
        actor: ctx.user,
      });
      await audit(ctx, "apps.restart", app.id, { name: app.name, deploymentId: created.id });
      return { deployment: toDeploymentDto(await findDeployment(ctx, created.id)) };
    }),

  scale: withPermission("apps.deploy")
    .meta({
      openapi: {
        method: "POST",
        path: "/apps/{name}/scale",
        protect: true,
        tags: TAGS,
        summary: "Run the live release with another number of instances per host",
      },
    })
    .input(scaleInputSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.services;
      let app = await getApp(db, ctx.user.team.id, input.name);
      const live = await liveReleaseId(db, app.id);
      if (!live) throw new AppError("CONFLICT", `${app.name} has no live release to scale. Deploy it first.`);
      app = (await updateApp(db, ctx.services.secrets, ctx.user.team.id, { name: app.name, replicas: input.replicas }))
        .app;
      const created = await ctx.services.deployments.request(app, {
        kind: "scale",
        releaseId: live,
        replicas: input.replicas,
        reason: `scale to ${input.replicas}`,
        actor: ctx.user,
      });
      await audit(ctx, "apps.scale", app.id, { name: app.name, replicas: input.replicas, deploymentId: created.id });
      return { deployment: toDeploymentDto(await findDeployment(ctx, created.id)) };
    }),

  releases: withPermission("apps.read")
    .meta({
      openapi: {
        method: "GET",
        path: "/apps/{name}/releases",
        protect: true,
        tags: TAGS,
        summary: "Releases, newest first",
      },
    })
    .input(appRefSchema)
    .output(z.object({ releases: z.array(releaseSchema) }))
    .query(async ({ ctx, input }) => {
      const app = await getApp(ctx.services.db, ctx.user.team.id, input.name);
      return { releases: await listReleases(ctx.services.db, app) };
    }),

  deployments: withPermission("apps.read")
    .meta({
      openapi: {
        method: "GET",
        path: "/apps/{name}/deployments",
        protect: true,
        tags: TAGS,
        summary: "Deployments, newest first",
      },
    })
    .input(appRefSchema)
    .output(z.object({ deployments: z.array(deploymentSchema) }))
    .query(async ({ ctx, input }) => {
      const app = await getApp(ctx.services.db, ctx.user.team.id, input.name);
      const rows = await ctx.services.db.deployment.findMany({
        where: { appId: app.id },
        include: deploymentInclude,
        orderBy: { createdAt: "desc" },
        take: 100,
      });
      return { deployments: rows.map(toDeploymentDto) };
    }),

  deployment: withPermission("apps.read")
    .meta({
      openapi: {
        method: "GET",
        path: "/deployments/{id}",
        protect: true,
        tags: TAGS,
        summary: "One deployment and its transitions",
      },
    })
    .input(deploymentRefSchema)
    .output(z.object({ deployment: deploymentSchema }))
    .query(async ({ ctx, input }) => ({ deployment: toDeploymentDto(await findDeployment(ctx, input.id)) })),

  deploymentLog: withPermission("apps.read")
    .meta({
      openapi: {
        method: "GET",
        path: "/deployments/{id}/log",
        protect: true,
        tags: TAGS,
        summary: "The deployment's log lines after `after`",
      },
    })
    .input(deploymentLogInputSchema)
    .output(deploymentLogSchema)
    .query(async ({ ctx, input }) => {
      const deployment = await findDeployment(ctx, input.id);
      // The container's own output in the log needs logs.read; apps.read alone gets Wheelhouse's lines.
      const containerOutput = can(ctx.user.role, "logs.read");
      const lines = await readLog(ctx.services.db, deployment.id, input.after, { containerOutput });
      return { lines, last: lines.at(-1)?.seq ?? input.after, finished: isFinished(deployment.status) };
    }),
});
