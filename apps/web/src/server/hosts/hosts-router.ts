// Hosts over tRPC; the procedures with `meta.openapi` are also REST under /api/v1, which
// `wheelhouse hosts` uses.
import {
  createEnrollmentInputSchema,
  enrollmentSchema,
  hostListSchema,
  hostRefSchema,
  hostSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { revokeHostNow, startEnrollment } from "./host-changes";
import { getHost, hostSamples, listHosts } from "./hosts";
import { pingTeamHosts } from "./ping";

const TAGS = ["hosts"];

export const hostsRouter = router({
  list: withPermission("hosts.read")
    .meta(rest("GET", "/hosts", "The team's hosts, with each agent's version against the portal's", TAGS))
    .input(z.object({}).strict().optional())
    .output(hostListSchema)
    .query(({ ctx }) => listHosts(ctx.services.db, ctx.services.agents, ctx.services.config, ctx.user.team.id)),

  get: withPermission("hosts.read")
    .input(hostRefSchema)
    .output(hostSchema)
    .query(({ ctx, input }) => getHost(ctx.services.db, ctx.services.agents, ctx.user.team.id, input.hostId)),

  samples: withPermission("hosts.read")
    .input(hostRefSchema)
    .query(({ ctx, input }) => hostSamples(ctx.services.db, ctx.user.team.id, input.hostId)),

  /** Round trip through every connected agent of the team; per-host times in milliseconds. */
  // Asks each agent for a round trip; it changes nothing, so it writes no audit event.
  pingAll: withPermission("hosts.ping")
    .meta({ audit: "none" })
    .mutation(async ({ ctx }) => {
      const results = await pingTeamHosts(ctx.services.agents, ctx.user.team.id);
      return { results };
    }),

  createEnrollment: withPermission("hosts.create")
    .meta(rest("POST", "/hosts/enrollments", "Create a single-use enrolment token for a new host (shown once)", TAGS))
    .input(createEnrollmentInputSchema)
    .output(enrollmentSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await startEnrollment(ctx.services, {
        teamId: ctx.user.team.id,
        hostName: input.name,
        createdById: ctx.user.id,
        ttlMs: input.ttlMinutes * 60_000,
      });
      await ctx.audit({
        action: "hosts.create",
        target: { type: "enrollment", id: created.id },
        details: { hostName: input.name, expiresAt: created.expiresAt.toISOString() },
      });
      return { token: created.token, expiresAt: created.expiresAt.toISOString(), portal: created.portal };
    }),

  revoke: withPermission("hosts.revoke")
    .meta(
      rest(
        "POST",
        "/hosts/{hostId}/revoke",
        "Revoke a host: its key stops working and its agent is disconnected",
        TAGS,
      ),
    )
    .input(hostRefSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const host = await revokeHostNow(ctx.services, ctx.user.team.id, input.hostId);
      await ctx.audit({
        action: "hosts.revoke",
        target: { type: "host", id: host.id },
        details: { hostName: host.name },
      });
      return { ok: true as const };
    }),
});
