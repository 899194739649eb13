import { emailSchema, passwordSchema, personNameSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../trpc/trpc";
import { setUpFirstAdmin, signOutSession } from "./access-changes";
import { hasAnyAdmin } from "./accounts";
import { secondFactorAuthProcedures } from "./second-factor-router";
import { signInCookie } from "./second-factor-sign-in";
import { clearedSessionCookie } from "./session-cookie";
import { signIn } from "./sign-in";

const credentials = z.object({
  email: emailSchema,
  password: z.string().min(1, { message: "Enter your password." }).max(256),
});

export const authRouter = router({
  // The second factor's sign-in step, step-up and the team's required roles (second-factor-router.ts).
  ...secondFactorAuthProcedures,

  /** Who is signed in, and whether the portal still needs its first admin. */
  status: publicProcedure.query(async ({ ctx }) => ({
    setupRequired: !(await hasAnyAdmin(ctx.services.db)),
    user: ctx.user && {
      id: ctx.user.id,
      email: ctx.user.email,
      name: ctx.user.name,
      role: ctx.user.role,
      team: ctx.user.team,
      // The portal shell sends a person who must enrol to /account (second-factor-gate.ts).
      secondFactor: { enabled: ctx.user.secondFactor.enabled, required: ctx.user.secondFactor.required },
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
      const outcome = await signIn(ctx.services, {
        email: input.email,
        password: input.password,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      ctx.setCookie(signInCookie(ctx.services.secrets, outcome, ctx.services.config.publicUrl.startsWith("https:")));
      return { ok: true };
    }),

  signIn: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const outcome = await signIn(ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setCookie(signInCookie(ctx.services.secrets, outcome, ctx.services.config.publicUrl.startsWith("https:")));
    // true: no session yet; the page asks for a code from the person's authenticator (auth.verifySecondFactor).
    return { ok: true, secondFactor: outcome.kind === "second-factor" };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await signOutSession(ctx.services, ctx.user.sessionId);
    await ctx.audit({ action: "session.delete" });
    ctx.setCookie(clearedSessionCookie(ctx.services.config.publicUrl.startsWith("https:")));
    return { ok: true };
  }),
});
