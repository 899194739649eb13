// Invites (issue 16): admins make, list and revoke them (also REST, for `wheelhouse users invite`);
// the invitee's page reads one and accepts it without being signed in.
import {
  acceptInviteInputSchema,
  createdInviteSchema,
  inviteInfoSchema,
  inviteInputSchema,
  invitesAnswerSchema,
  joinWithInviteInputSchema,
  linkTokenSchema,
  ROLES,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { publicProcedure, router, withPermission } from "../trpc/trpc";
import { acceptInvite, createInvite, inviteInfo, joinWithInvite, listPendingInvites, revokeInvite } from "./invites";
import { sessionCookie } from "./session-cookie";

const TAGS = ["users"];

export const invitesRouter = router({
  create: withPermission("users.invite")
    .meta(rest("POST", "/invites", "Invite someone to your team (the link is shown once)", TAGS))
    .input(inviteInputSchema)
    .output(createdInviteSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await createInvite(ctx.services.db, {
        ...input,
        team: ctx.user.team,
        createdBy: ctx.user,
        publicUrl: ctx.linkBase,
      });
      await ctx.audit({
        action: "users.invite",
        target: { type: "account-link", id: created.invite.id },
        details: { email: input.email, role: input.role, replacedInvites: created.replaced },
      });
      return { invite: created.invite, link: created.link };
    }),

  list: withPermission("users.invite")
    .meta(rest("GET", "/invites", "Pending invites (never their links)", TAGS))
    .input(z.object({}).strict().optional())
    .output(invitesAnswerSchema)
    .query(async ({ ctx }) => ({ invites: await listPendingInvites(ctx.services.db, ctx.user.team.id) })),

  revoke: withPermission("users.invite")
    .meta(rest("DELETE", "/invites/{id}", "Revoke a pending invite", TAGS))
    .input(z.object({ id: z.string().min(1).max(64) }).strict())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await revokeInvite(ctx.services.db, ctx.user.team.id, input.id);
      await ctx.audit({
        action: "users.invite.revoke",
        target: { type: "account-link", id: input.id },
        details: { email: revoked.email, role: revoked.role },
      });
      return { ok: true as const };
    }),

  /** The invite page, before sign-in: whose invite, to which team and role; or why it cannot be used. */
  info: publicProcedure
    .input(z.object({ token: linkTokenSchema }).strict())
    .output(inviteInfoSchema)
    .query(({ ctx, input }) => inviteInfo(ctx.services.db, input.token, ctx.ip)),

  /** Joins the team and signs the new member in, as sign-in does. */
  accept: publicProcedure.input(acceptInviteInputSchema).mutation(async ({ ctx, input }) => {
    const { session } = await acceptInvite(ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setCookie(sessionCookie(session.token, session.expiresAt, ctx.services.config.publicUrl.startsWith("https:")));
    return { ok: true as const };
  }),

  /** Someone with an account (in another team) joins, signed in as the invited email. */
  join: withPermission("portal.read")
    .input(joinWithInviteInputSchema)
    .output(z.object({ team: z.object({ id: z.string(), name: z.string() }), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const joined = await joinWithInvite(ctx.services, ctx.user, { token: input.token, ip: ctx.ip });
      // This session now works in the new team: its sockets of the old one end (browser-gate.ts).
      ctx.services.events.emit("accessChanged", ctx.user.id);
      return joined;
    }),
});
