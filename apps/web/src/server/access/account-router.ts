// What scripts and the CLI need about the person behind a key: who am I, my API keys, and the
// team's users (admins). Every procedure here is also REST under /api/v1.
import {
  apiKeyNameSchema,
  apiKeySchema,
  createdApiKeySchema,
  createUserInputSchema,
  meSchema,
  passwordKeyInputSchema,
  teamUserSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { authedProcedure, publicProcedure, router, withPermission } from "../trpc/trpc";
import { addTeamMember, listMembers } from "./access-changes";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { ownAccountProcedures } from "./own-account-router";
import { createApiKeyWithPassword } from "./password-api-key";
import { secondFactorAccountProcedures } from "./second-factor-router";

const TAGS = ["account"];
const USER_TAGS = ["users"];

export const accountRouter = router({
  // Change password, list and end one's sessions (own-account-router.ts).
  ...ownAccountProcedures,
  // One's second factor: enrol, confirm, turn off, renew recovery codes (second-factor-router.ts).
  ...secondFactorAccountProcedures,

  me: authedProcedure
    .meta(rest("GET", "/me", "Who this key or session belongs to", TAGS))
    .input(z.object({}).strict().optional())
    .output(meSchema)
    .query(({ ctx }) => ({
      user: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
      role: ctx.user.role,
      team: { id: ctx.user.team.id, name: ctx.user.team.name },
    })),

  apiKeys: withPermission("apikeys.manage")
    .meta(rest("GET", "/auth/api-keys", "Your API keys", TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ apiKeys: z.array(apiKeySchema) }))
    .query(async ({ ctx }) => ({ apiKeys: await listApiKeys(ctx.services.db, ctx.user.id, ctx.user.team.id) })),

  createApiKey: withPermission("apikeys.manage")
    .meta(rest("POST", "/auth/api-keys", "Create an API key (shown once)", TAGS))
    .input(z.object({ name: apiKeyNameSchema }).strict())
    .output(createdApiKeySchema)
    .mutation(async ({ ctx, input }) => {
      const created = await createApiKey(ctx.services.db, ctx.user.id, ctx.user.team.id, input.name);
      await ctx.audit({
        action: "apikeys.create",
        target: { type: "apikey", id: created.apiKey.id },
        details: { name: input.name, prefix: created.apiKey.prefix },
      });
      return created;
    }),

  revokeApiKey: withPermission("apikeys.manage")
    .meta(rest("DELETE", "/auth/api-keys/{id}", "Revoke one of your API keys", TAGS))
    .input(z.object({ id: z.string().min(1).max(64) }).strict())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.services.db, ctx.user.id, ctx.user.team.id, input.id);
      await ctx.audit({ action: "apikeys.revoke", target: { type: "apikey", id: input.id } });
      return { ok: true as const };
    }),

  /** The CLI's `login --email --password`: the sign-in checks and limits, then a new key. */
  createApiKeyWithPassword: publicProcedure
    .meta(rest("POST", "/auth/api-keys/password", "Sign in with email and password and get a new API key", TAGS))
    .input(passwordKeyInputSchema)
    .output(createdApiKeySchema)
    .mutation(async ({ ctx, input }) => {
      const { user, teamId, created } = await createApiKeyWithPassword(ctx.services, {
        ...input,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      await ctx.audit({
        action: "apikeys.create",
        target: { type: "apikey", id: created.apiKey.id },
        details: { name: input.name, prefix: created.apiKey.prefix, via: "password" },
        as: { actor: user, teamId },
      });
      return created;
    }),

  users: withPermission("users.read")
    .meta(rest("GET", "/users", "The team's members", USER_TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ users: z.array(teamUserSchema) }))
    .query(async ({ ctx }) => ({ users: await listMembers(ctx.services.db, ctx.user.team.id) })),

  createUser: withPermission("users.create")
    .meta(rest("POST", "/users", "Add a member to your team", USER_TAGS))
    .input(createUserInputSchema)
    .output(z.object({ user: teamUserSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await addTeamMember(ctx.services.db, ctx.user.team, input);
      await ctx.audit({
        action: "users.create",
        target: { type: "user", id: user.id },
        details: { email: user.email, role: input.role, via: "api" },
      });
      return { user };
    }),
});
