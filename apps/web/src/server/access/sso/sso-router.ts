// Single sign-on over tRPC and REST (/api/v1/sso): whether it is on (public, for the sign-in page)
// and its settings (admins). Thin over sso-settings.ts. The client secret never leaves: answers and
// audit entries say only whether one is set.
import { ssoSettingsAnswerSchema, ssoSettingsInputSchema, ssoStatusSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../../trpc/rest";
import { publicProcedure, router, withPermission } from "../../trpc/trpc";
import {
  effectiveSsoSettings,
  forgetSsoSettings,
  readableSsoSettings,
  type SsoSettings,
  saveSsoSettings,
} from "./sso-settings";

const TAGS = ["sso"];
const target = { type: "sso-settings", id: "portal" };

/** What the audit trail keeps of a configuration: who may get in and how, never the secret. */
function auditView(settings: SsoSettings | null) {
  if (!settings) return null;
  return {
    source: settings.source,
    issuerUrl: settings.issuerUrl,
    clientId: settings.clientId,
    clientSecretSet: settings.clientSecretSet,
    allowedDomains: settings.allowedDomains,
    groupsClaim: settings.groupsClaim,
    roleMapping: settings.roleMapping,
    defaultRole: settings.defaultRole,
    passwordSignIn: settings.passwordSignIn,
    breakGlassEmail: settings.breakGlassEmail,
  };
}

export const ssoRouter = router({
  /** For the sign-in page: whether to show "Sign in with …", and whether passwords still work. */
  status: publicProcedure.output(ssoStatusSchema).query(async ({ ctx }) => {
    const settings = await effectiveSsoSettings(ctx.services);
    return {
      enabled: settings !== null,
      label: settings?.displayName ?? null,
      passwordSignIn: settings?.passwordSignIn ?? "everyone",
    };
  }),

  settings: withPermission("auth.sso.manage")
    .meta(rest("GET", "/sso", "The single sign-on settings in use (never the client secret)", TAGS))
    .input(z.object({}).strict().optional())
    .output(ssoSettingsAnswerSchema)
    .query(async ({ ctx }) =>
      readableSsoSettings(await effectiveSsoSettings(ctx.services), ctx.services.config.publicUrl),
    ),

  save: withPermission("auth.sso.manage")
    .meta(rest("PUT", "/sso", "Set the OpenID Connect provider, who may sign in, and the roles of their groups", TAGS))
    .input(ssoSettingsInputSchema)
    .output(ssoSettingsAnswerSchema)
    .mutation(async ({ ctx, input }) => {
      const before = await effectiveSsoSettings(ctx.services);
      const saved = await saveSsoSettings(ctx.services, input);
      await ctx.audit({
        action: "auth.sso.update",
        target,
        details: {
          before: auditView(before),
          after: auditView(await effectiveSsoSettings(ctx.services)),
          secretChanged: input.clientSecret !== undefined,
        },
      });
      return saved;
    }),

  reset: withPermission("auth.sso.manage")
    .meta(
      rest(
        "DELETE",
        "/sso",
        "Forget the saved single sign-on settings: the environment's OIDC_* apply again (or SSO is off)",
        TAGS,
      ),
    )
    .input(z.object({}).strict().optional())
    .output(ssoSettingsAnswerSchema)
    .mutation(async ({ ctx }) => {
      const before = await effectiveSsoSettings(ctx.services);
      const forgot = await forgetSsoSettings(ctx.services.db);
      const after = await effectiveSsoSettings(ctx.services);
      await ctx.audit({
        action: "auth.sso.reset",
        target,
        details: { forgot, before: auditView(before), after: auditView(after) },
      });
      return readableSsoSettings(after, ctx.services.config.publicUrl);
    }),
});
