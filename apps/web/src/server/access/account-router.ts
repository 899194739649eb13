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
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import { authedProcedure, publicProcedure, router, withPermission } from "../trpc/trpc";
import { createUser, listTeamMembers } from "./accounts";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { verifyCredentials } from "./sign-in";

const TAGS = ["account"];

function toUserDto(user: Awaited<ReturnType<typeof listTeamMembers>>[number]) {
  return { ...user, createdAt: user.createdAt.toISOString() };
}

export const accountRouter = router({
  me: authedProcedure
    .meta({
      openapi: { method: "GET", path: "/me", protect: true, tags: TAGS, summary: "Who this key or session belongs to" },
    })
    .input(z.object({}).strict().optional())
    .output(meSchema)
    .query(({ ctx }) => ({
      user: { id: ctx.user.id, email: ctx.user.email, name: ctx.user.name },
      role: ctx.user.role,
      team: { id: ctx.user.team.id, name: ctx.user.team.name },
    })),

  apiKeys: withPermission("apikeys.manage")
    .meta({ openapi: { method: "GET", path: "/auth/api-keys", protect: true, tags: TAGS, summary: "Your API keys" } })
    .input(z.object({}).strict().optional())
    .output(z.object({ apiKeys: z.array(apiKeySchema) }))
    .query(async ({ ctx }) => ({ apiKeys: await listApiKeys(ctx.services.db, ctx.user.id) })),

  createApiKey: withPermission("apikeys.manage")
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/api-keys",
        protect: true,
        tags: TAGS,
        summary: "Create an API key (shown once)",
      },
    })
    .input(z.object({ name: apiKeyNameSchema }).strict())
    .output(createdApiKeySchema)
    .mutation(async ({ ctx, input }) => {
      const created = await createApiKey(ctx.services.db, ctx.user.id, input.name);
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: "apikeys.create",
        target: { type: "apikey", id: created.apiKey.id },
        outcome: "success",
        ip: ctx.ip,
        details: { name: input.name, prefix: created.apiKey.prefix },
      });
      return created;
    }),

  revokeApiKey: withPermission("apikeys.manage")
    .meta({
      openapi: {
        method: "DELETE",
        path: "/auth/api-keys/{id}",
        protect: true,
        tags: TAGS,
        summary: "Revoke one of your API keys",
      },
    })
    .input(z.object({ id: z.string().min(1).max(64) }).strict())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.services.db, ctx.user.id, input.id);
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: "apikeys.revoke",
        target: { type: "apikey", id: input.id },
        outcome: "success",
        ip: ctx.ip,
      });
      return { ok: true as const };
    }),

  /** The CLI's `login --email --password`: the sign-in checks and limits, then a new key. */
  createApiKeyWithPassword: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/api-keys/password",
        tags: TAGS,
        summary: "Sign in with email and password and get a new API key",
      },
    })
    .input(passwordKeyInputSchema)
    .output(createdApiKeySchema)
    .mutation(async ({ ctx, input }) => {
      const { user, teamId } = await verifyCredentials(ctx.services, {
        ...input,
        ip: ctx.ip,
        userAgent: ctx.userAgent,
      });
      const created = await createApiKey(ctx.services.db, user.id, input.name);
      await recordAudit(ctx.services.db, {
        actor: user,
        teamId,
        action: "apikeys.create",
        target: { type: "apikey", id: created.apiKey.id },
        outcome: "success",
        ip: ctx.ip,
        details: { name: input.name, prefix: created.apiKey.prefix, via: "password" },
      });
      return created;
    }),

  users: withPermission("users.read")
    .meta({ openapi: { method: "GET", path: "/users", protect: true, tags: ["users"], summary: "The team's members" } })
    .input(z.object({}).strict().optional())
    .output(z.object({ users: z.array(teamUserSchema) }))
    .query(async ({ ctx }) => ({ users: (await listTeamMembers(ctx.services.db, ctx.user.team.id)).map(toUserDto) })),

  createUser: withPermission("users.create")
    .meta({
      openapi: { method: "POST", path: "/users", protect: true, tags: ["users"], summary: "Add a member to your team" },
    })
    .input(createUserInputSchema)
    .output(z.object({ user: teamUserSchema }))
    .mutation(async ({ ctx, input }) => {
      const team = ctx.user.team;
      if (input.team && input.team !== team.name && input.team !== team.slug) {
        throw new AppError("BAD_INPUT", `You can add users to your own team (${team.name}) only.`);
      }
      const name = input.name ?? input.email.split("@")[0] ?? input.email;
      const user = await createUser(ctx.services.db, {
        email: input.email,
        name,
        password: input.password,
        role: input.role,
        teamId: team.id,
      });
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: team.id,
        action: "users.create",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { email: user.email, role: input.role, via: "api" },
      });
      const member = (await listTeamMembers(ctx.services.db, team.id)).find((m) => m.id === user.id);
      if (!member) throw new AppError("NOT_FOUND", "The new user could not be read back.");
      return { user: toUserDto(member) };
    }),
});
