// The second factor's procedures: one's own enrolment (mounted in accountRouter as account.*),
// sign-in's code step, step-up and the team's required roles (mounted in authRouter as auth.*), and
// an admin's reset of a member's lost factor (mounted in usersRouter as users.resetSecondFactor).
// Thin: each validates, checks its permission, calls second-factor*.ts and audits its success.
import {
  recoveryCodesSchema,
  secondFactorCodeInputSchema,
  secondFactorEnrolmentSchema,
  secondFactorPolicySchema,
  secondFactorStatusSchema,
  totpCodeInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { publicProcedure, withPermission } from "../trpc/trpc";
import {
  confirmEnrolment,
  disableFactor,
  regenerateRecoveryCodes,
  resetMemberFactor,
  secondFactorStatus,
  startEnrolment,
  stepUp,
} from "./second-factor";
import { readPolicy, savePolicy } from "./second-factor-policy";
import { completeSecondFactorSignIn } from "./second-factor-sign-in";

const MANAGE = "account.second-factor.manage";
const empty = z.object({}).strict().optional();

export const secondFactorAccountProcedures = {
  secondFactor: withPermission(MANAGE)
    .input(empty)
    .output(secondFactorStatusSchema)
    .query(({ ctx }) => secondFactorStatus(ctx.services.db, ctx.user)),

  startSecondFactor: withPermission(MANAGE)
    .input(empty)
    .output(secondFactorEnrolmentSchema)
    .mutation(async ({ ctx }) => {
      const enrolment = await startEnrolment(ctx.services, ctx.user);
      await ctx.audit({ action: MANAGE, target: { type: "user", id: ctx.user.id }, details: { step: "start" } });
      return enrolment;
    }),

  confirmSecondFactor: withPermission(MANAGE)
    .input(totpCodeInputSchema)
    .output(recoveryCodesSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await confirmEnrolment(ctx.services, ctx.user, input.code, ctx.ip);
      await ctx.audit({ action: MANAGE, target: { type: "user", id: ctx.user.id }, details: { step: "enabled" } });
      return result;
    }),

  disableSecondFactor: withPermission(MANAGE)
    .input(secondFactorCodeInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await disableFactor(ctx.services, ctx.user, input.code, ctx.ip);
      await ctx.audit({ action: MANAGE, target: { type: "user", id: ctx.user.id }, details: { step: "disabled" } });
      return { ok: true as const };
    }),

  regenerateRecoveryCodes: withPermission(MANAGE)
    .input(secondFactorCodeInputSchema)
    .output(recoveryCodesSchema)
    .mutation(async ({ ctx, input }) => {
      const result = await regenerateRecoveryCodes(ctx.services, ctx.user, input.code, ctx.ip);
      await ctx.audit({
        action: MANAGE,
        target: { type: "user", id: ctx.user.id },
        details: { step: "recovery codes renewed" },
      });
      return result;
    }),
};

export const secondFactorUserProcedures = {
  /** An admin clears a member's lost factor (users.resetSecondFactor). */
  resetSecondFactor: withPermission("users.second-factor.reset")
    .input(z.object({ userId: z.string().min(1).max(64) }).strict())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const { email } = await resetMemberFactor(ctx.services.db, ctx.user, input.userId);
      await ctx.audit({
        action: "users.second-factor.reset",
        target: { type: "user", id: input.userId },
        details: { email },
      });
      return { ok: true as const };
    }),
};

export const secondFactorAuthProcedures = {
  /** Sign-in's second step: the challenge cookie from auth.signIn and a code become a session. */
  verifySecondFactor: publicProcedure
    .input(secondFactorCodeInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const { cookies } = await completeSecondFactorSignIn(ctx.services, {
        cookieHeader: ctx.cookieHeader,
        code: input.code,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
        secure: ctx.services.config.publicUrl.startsWith("https:"),
      });
      for (const cookie of cookies) ctx.setCookie(cookie);
      return { ok: true as const };
    }),

  /** Proves the factor again in this session: host shells and reviews are allowed for 15 minutes. */
  stepUp: withPermission("auth.step-up")
    .input(secondFactorCodeInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await stepUp(ctx.services, ctx.user, input.code, ctx.ip);
      await ctx.audit({ action: "auth.step-up" });
      return { ok: true as const };
    }),

  secondFactorPolicy: withPermission("auth.second-factor.policy")
    .input(empty)
    .output(secondFactorPolicySchema)
    .query(({ ctx }) => readPolicy(ctx.services.db, ctx.user.team.id)),

  saveSecondFactorPolicy: withPermission("auth.second-factor.policy")
    .input(secondFactorPolicySchema)
    .output(secondFactorPolicySchema)
    .mutation(async ({ ctx, input }) => {
      const before = await readPolicy(ctx.services.db, ctx.user.team.id);
      const saved = await savePolicy(ctx.services.db, ctx.user.team.id, input.roles);
      await ctx.audit({
        action: "auth.second-factor.policy",
        target: { type: "team", id: ctx.user.team.id },
        details: { before: before.roles, after: saved.roles },
      });
      // Someone now required to enrol keeps no open socket until they have (browser-gate.ts).
      ctx.services.events.emit("teamAccessChanged", ctx.user.team.id);
      return saved;
    }),
};
