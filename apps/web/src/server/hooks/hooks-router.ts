// The team's push hook token over tRPC and REST (/api/v1/hooks/registry/token). All three are an
// admin's (hooks.manage): the token deploys to production on its own. The notification endpoint
// itself is registry-hook-route.ts.
import { createdHookTokenSchema, registryHookSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { createHookToken, readHookToken, revokeHookToken } from "./hook-tokens";
import { REGISTRY_HOOK_PATH } from "./registry-hook-route";

const TAGS = ["hooks"];

const noInput = z.object({}).strict().optional();

export const hooksRouter = router({
  registry: withPermission("hooks.manage")
    .meta(
      rest("GET", "/hooks/registry/token", "Where the registry sends push notifications, and the token's prefix", TAGS),
    )
    .input(noInput)
    .output(registryHookSchema)
    .query(async ({ ctx }) => ({
      url: `${ctx.services.config.publicUrl}${REGISTRY_HOOK_PATH}`,
      token: await readHookToken(ctx.services.db, ctx.user.team.id, "registry"),
    })),

  createRegistryToken: withPermission("hooks.manage")
    .meta(rest("POST", "/hooks/registry/token", "Create or rotate the push hook token (shown once)", TAGS))
    .input(noInput)
    .output(createdHookTokenSchema)
    .mutation(async ({ ctx }) => {
      const created = await createHookToken(ctx.services.db, ctx.user.team.id, "registry", ctx.user.id);
      await ctx.audit({
        action: "hooks.token.create",
        target: { type: "hook", id: "registry" },
        details: { kind: "registry", prefix: created.summary.prefix, rotated: created.rotated },
      });
      return {
        url: `${ctx.services.config.publicUrl}${REGISTRY_HOOK_PATH}`,
        token: created.token,
        hookToken: created.summary,
        rotated: created.rotated,
      };
    }),

  revokeRegistryToken: withPermission("hooks.manage")
    .meta(rest("DELETE", "/hooks/registry/token", "Revoke the push hook token: notifications are refused", TAGS))
    .input(noInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      const { prefix } = await revokeHookToken(ctx.services.db, ctx.user.team.id, "registry");
      await ctx.audit({
        action: "hooks.token.revoke",
        target: { type: "hook", id: "registry" },
        details: { kind: "registry", prefix },
      });
      return { ok: true as const };
    }),
});
