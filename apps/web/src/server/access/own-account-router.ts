// The procedures of one's own account, mounted in accountRouter (account.changePassword,
// account.sessions, account.endSession) and served as REST under /api/v1/account/….
import {
  changePasswordInputSchema,
  changePasswordResultSchema,
  endSessionInputSchema,
  endSessionResultSchema,
  ownSessionSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { withPermission } from "../trpc/trpc";
import { changeOwnPassword, endOwnSession, listOwnSessions } from "./own-account";
import { clearedSessionCookie } from "./session-cookie";

const TAGS = ["account"];

export const ownAccountProcedures = {
  changePassword: withPermission("account.password.change")
    .meta(
      rest(
        "POST",
        "/account/password",
        "Change your password (your current one is required); your other sessions are signed out, API keys stay",
        TAGS,
      ),
    )
    .input(changePasswordInputSchema)
    .output(changePasswordResultSchema)
    .mutation(async ({ ctx, input }) => {
      const { endedSessions } = await changeOwnPassword(ctx.services, ctx.user, input, ctx.ip);
      await ctx.audit({
        action: "account.password.change",
        target: { type: "user", id: ctx.user.id },
        details: { endedSessions },
      });
      return { ok: true as const, endedSessions };
    }),

  sessions: withPermission("account.sessions.read")
    .meta(rest("GET", "/account/sessions", "Your signed-in sessions: device, address, last used", TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ sessions: z.array(ownSessionSchema) }))
    .query(async ({ ctx }) => ({ sessions: await listOwnSessions(ctx.services.db, ctx.user) })),

  endSession: withPermission("account.sessions.end")
    .meta(rest("DELETE", "/account/sessions/{id}", "Sign out one of your sessions", TAGS))
    .input(endSessionInputSchema)
    .output(endSessionResultSchema)
    .mutation(async ({ ctx, input }) => {
      const { signedOut } = await endOwnSession(ctx.services, ctx.user, input.id);
      await ctx.audit({
        action: "account.sessions.end",
        target: { type: "session", id: input.id },
        details: { current: signedOut },
      });
      if (signedOut) ctx.setCookie(clearedSessionCookie(ctx.services.config.publicUrl.startsWith("https:")));
      return { ok: true as const, signedOut };
    }),
};
