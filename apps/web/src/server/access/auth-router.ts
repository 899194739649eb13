import { emailSchema, passwordSchema, personNameSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../trpc/trpc";
import { setUpFirstAdmin, signOutSession } from "./access-changes";
import { hasAnyAdmin } from "./accounts";
import { clearedSessionCookie, sessionCookie } from "./session-cookie";
import { signIn } from "./sign-in";

const credentials = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: "Enter your password." }).max(256),
});

export const authRouter = router({
  /** Who is signed in, and whether the portal still needs its first admin. */
  status: publicProcedure.query(async ({ ctx }) => ({
    setupRequired: !(await hasAnyAdmin(ctx.services.db)),
    user: ctx.user && {
      id: ctx.user.id,
      email: ctx.user.email,
      name: ctx.user.name,
      role: ctx.user.role,
      team: ctx.user.team,
    },
  })),

  setup: publicProcedure
    .input(
      z.object({ email: emailSchema, name: personNameSchema, password: passwordSchema, teamName: personNameSchema }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, team } = await setUpFirstAdmin(ctx.services, input);
      // Audited before the sign-in below writes its own event, so the trail reads in the order it happened.
      await ctx.audit({
        action: "users.create",
        target: { type: "user", id: user.id },
        details: { role: "admin", via: "first-run setup" },
        as: { actor: user, teamId: team.id },
      });
      const session = await signIn(ctx.services, {
        email: input.email,
        password: input.password,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      ctx.setCookie(
        sessionCookie(session.token, session.expiresAt, ctx.services.config.publicUrl.startsWith("https:")),
      );
      return { ok: true };
    }),

  signIn: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const session = await signIn(ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setCookie(sessionCookie(session.token, session.expiresAt, ctx.services.config.publicUrl.startsWith("https:")));
    return { ok: true };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await signOutSession(ctx.services, ctx.user.sessionId);
    await ctx.audit({ action: "session.delete" });
    ctx.setCookie(clearedSessionCookie(ctx.services.config.publicUrl.startsWith("https:")));
    return { ok: true };
  }),
});
