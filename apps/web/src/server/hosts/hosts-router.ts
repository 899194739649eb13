import { z } from "zod";
import { router, withPermission } from "../trpc/trpc";
import { revokeHostNow, startEnrollment } from "./host-changes";
import { getHost, hostSamples, listHosts } from "./hosts";
import { pingTeamHosts } from "./ping";

/** Host names: what a person would call the machine; letters, digits, dots, dashes. */
const hostName = z
  .string()
  .trim()
  .min(1, { message: "Enter a name for the host." })
  .max(63, { message: "Use at most 63 characters for the host name." })
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9.-]*$/, {
    message: "Use letters, digits, dots and dashes for the host name, starting with a letter or digit.",
  });

export const hostsRouter = router({
  list: withPermission("hosts.read").query(({ ctx }) =>
    listHosts(ctx.services.db, ctx.services.agents, ctx.user.team.id),
  ),

  get: withPermission("hosts.read")
    .input(z.object({ hostId: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => getHost(ctx.services.db, ctx.services.agents, ctx.user.team.id, input.hostId)),

  samples: withPermission("hosts.read")
    .input(z.object({ hostId: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => hostSamples(ctx.services.db, ctx.user.team.id, input.hostId)),

  /** Round trip through every connected agent of the team; per-host times in milliseconds. */
  pingAll: withPermission("hosts.ping").mutation(async ({ ctx }) => {
    const results = await pingTeamHosts(ctx.services.agents, ctx.user.team.id);
    return { results };
  }),

  createEnrollment: withPermission("hosts.create")
    .input(
      z.object({
        name: hostName,
        ttlMinutes: z
          .number()
          .int()
          .min(5)
          .max(7 * 24 * 60)
          .default(60),
      }),
    )
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
      return { token: created.token, expiresAt: created.expiresAt, command: created.command };
    }),

  revoke: withPermission("hosts.revoke")
    .input(z.object({ hostId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const host = await revokeHostNow(ctx.services, ctx.user.team.id, input.hostId);
      await ctx.audit({
        action: "hosts.revoke",
        target: { type: "host", id: host.id },
        details: { hostName: host.name },
      });
      return { ok: true };
    }),
});
