// The team's alert and metrics tokens over tRPC and REST (/api/v1/signals/tokens…): "signals" for
// Alertmanager's webhook (alertmanager-route.ts), "prometheus" for service discovery
// (prometheus-sd-route.ts). Everyone who reads incidents sees whether the tokens exist (their
// prefix and age, never the token); creating, rotating and revoking are an admin's (signals.manage):
// a signal token opens incidents on its own.
import {
  createdSignalTokenSchema,
  type SignalTokenKind,
  signalTokenKindInputSchema,
  signalTokensSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { createHookToken, readHookToken, revokeHookToken } from "../hooks/hook-tokens";
import type { PortalServices } from "../services";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { ALERTMANAGER_PATH } from "./alertmanager-route";
import { PROMETHEUS_SD_PATH } from "./prometheus-sd-route";

const TAGS = ["signals"];

const PATHS: Record<SignalTokenKind, string> = { signals: ALERTMANAGER_PATH, prometheus: PROMETHEUS_SD_PATH };

function urlOf(services: PortalServices, kind: SignalTokenKind): string {
  return `${services.config.publicUrl}${PATHS[kind]}`;
}

export const signalsRouter = router({
  tokens: withPermission("incidents.read")
    .meta(
      rest("GET", "/signals/tokens", "Where Alertmanager and Prometheus connect, and whether their tokens exist", TAGS),
    )
    .input(z.object({}).strict().optional())
    .output(signalTokensSchema)
    .query(async ({ ctx }) => {
      const teamId = ctx.user.team.id;
      const [signals, prometheus] = await Promise.all([
        readHookToken(ctx.services.db, teamId, "signals"),
        readHookToken(ctx.services.db, teamId, "prometheus"),
      ]);
      return {
        signals: { url: urlOf(ctx.services, "signals"), token: signals },
        prometheus: { url: urlOf(ctx.services, "prometheus"), token: prometheus },
      };
    }),

  createToken: withPermission("signals.manage")
    .meta(rest("POST", "/signals/tokens/{kind}", "Create or rotate the alert or discovery token (shown once)", TAGS))
    .input(signalTokenKindInputSchema)
    .output(createdSignalTokenSchema)
    .mutation(async ({ ctx, input }) => {
      const created = await createHookToken(ctx.services.db, ctx.user.team.id, input.kind, ctx.user.id);
      await ctx.audit({
        action: "signals.token.create",
        target: { type: "hook", id: input.kind },
        details: { kind: input.kind, prefix: created.summary.prefix, rotated: created.rotated },
      });
      return {
        kind: input.kind,
        url: urlOf(ctx.services, input.kind),
        token: created.token,
        hookToken: created.summary,
        rotated: created.rotated,
      };
    }),

  revokeToken: withPermission("signals.manage")
    .meta(rest("DELETE", "/signals/tokens/{kind}", "Revoke the alert or discovery token: its caller is refused", TAGS))
    .input(signalTokenKindInputSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const { prefix } = await revokeHookToken(ctx.services.db, ctx.user.team.id, input.kind);
      await ctx.audit({
        action: "signals.token.revoke",
        target: { type: "hook", id: input.kind },
        details: { kind: input.kind, prefix },
      });
      return { ok: true as const };
    }),
});
