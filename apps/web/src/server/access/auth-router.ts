import { emailSchema, passwordSchema, personNameSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { authedProcedure, publicProcedure, router } from "../trpc/trpc";
import { createFirstAdmin, hasAnyAdmin } from "./accounts";
import { clearedSessionCookie, sessionCookie } from "./session-cookie";
import { endSession } from "./sessions";
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
      const { db, config } = ctx.services;
      const { user, team } = await createFirstAdmin(db, input);
      ctx.services.events.emit("teamCreated", team.id);
      await recordAudit(db, {
        actor: user,
        teamId: team.id,
        action: "users.create",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { role: "admin", via: "first-run setup" },
      });
      const session = await signIn(ctx.services, {
        email: input.email,
        password: input.password,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      ctx.setCookie(sessionCookie(session.token, session.expiresAt, config.publicUrl.startsWith("https:")));
      return { ok: true };
    }),

  signIn: publicProcedure.input(credentials).mutation(async ({ ctx, input }) => {
    const session = await signIn(ctx.services, { ...input, ip: ctx.ip, userAgent: ctx.userAgent });
    ctx.setCookie(sessionCookie(session.token, session.expiresAt, ctx.services.config.publicUrl.startsWith("https:")));
    return { ok: true };
  }),

  signOut: authedProcedure.mutation(async ({ ctx }) => {
    const { db, config, events } = ctx.services;
    await endSession(db, ctx.user.sessionId);
    events.emit("sessionEnded", ctx.user.sessionId);
    await recordAudit(db, {
      actor: ctx.user,
      teamId: ctx.user.team.id,
      action: "session.delete",
      outcome: "success",
      ip: ctx.ip,
    });
    ctx.setCookie(clearedSessionCookie(config.publicUrl.startsWith("https:")));
    return { ok: true };
  }),
});
