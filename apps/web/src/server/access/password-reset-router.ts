// Password reset links (issue 16): an admin makes one for a member (also REST, for `wheelhouse
// users reset-password`); the reset page reads it and sets the new password without a session.
import {
  createdResetLinkSchema,
  linkTokenSchema,
  resetLinkInfoSchema,
  resetLinkInputSchema,
  resetPasswordInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { publicProcedure, router, withPermission } from "../trpc/trpc";
import { createResetLink, resetLinkInfo, resetPassword } from "./password-reset";

export const passwordResetRouter = router({
  createLink: withPermission("users.password.reset-link")
    .meta(rest("POST", "/users/reset-links", "A single-use password reset link for a member (valid 1 hour)", ["users"]))
    .input(resetLinkInputSchema)
    .output(createdResetLinkSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await createResetLink(ctx.services.db, {
        email: input.email,
        team: ctx.user.team,
        actorId: ctx.user.id,
        createdById: ctx.user.id,
        publicUrl: ctx.linkBase,
      });
      await ctx.audit({
        action: "users.password.reset-link",
        target: { type: "user", id: created.user.id },
        details: { email: created.email },
      });
      return { email: created.email, link: created.link, expiresAt: created.expiresAt };
    }),

  info: publicProcedure
    .input(z.object({ token: linkTokenSchema }).strict())
    .output(resetLinkInfoSchema)
    .query(({ ctx, input }) => resetLinkInfo(ctx.services.db, input.token, ctx.ip)),

  /** Sets the password and ends every session of the person; they sign in again with it. */
  reset: publicProcedure.input(resetPasswordInputSchema).mutation(async ({ ctx, input }) => {
    const { email } = await resetPassword(ctx.services, { ...input, ip: ctx.ip });
    return { ok: true as const, email };
  }),
});
