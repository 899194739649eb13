// The team's registry logins over tRPC and REST (/api/v1/registries). Passwords go in and never
// come out: answers and audit entries name the host and the user name only.
import {
  addedRegistryLoginSchema,
  addRegistryLoginInputSchema,
  registryHostRefSchema,
  registryLoginsAnswerSchema,
  removedRegistryLoginSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { addRegistryLogin, listRegistryLogins, removeRegistryLogin } from "./registry-login-changes";

const TAGS = ["registries"];

const loginTarget = (host: string) => ({ type: "registry", id: host });

export const registriesRouter = router({
  list: withPermission("registries.read")
    .meta(rest("GET", "/registries", "The team's registry logins (never their passwords)", TAGS))
    .input(z.object({}).strict().optional())
    .output(registryLoginsAnswerSchema)
    .query(async ({ ctx }) => ({ logins: await listRegistryLogins(ctx.services.db, ctx.user.team.id) })),

  add: withPermission("registries.manage")
    .meta(
      rest(
        "POST",
        "/registries",
        "Save the team's login for a registry (replaces the one it had for that host); sent with each pull from it",
        TAGS,
      ),
    )
    .input(addRegistryLoginInputSchema)
    .output(addedRegistryLoginSchema)
    .mutation(async ({ ctx, input }) => {
      const added = await addRegistryLogin(ctx.services, ctx.user.team.id, ctx.user, input);
      await ctx.audit({
        action: "registries.add",
        target: loginTarget(added.login.host),
        details: { host: added.login.host, username: added.login.username, replaced: added.replaced },
      });
      return added;
    }),

  remove: withPermission("registries.manage")
    .meta(
      rest(
        "DELETE",
        "/registries/{host}",
        "Remove the team's login for a registry; host as in image references, e.g. 127.0.0.1:5000 (the colon may be sent as %3A)",
        TAGS,
      ),
    )
    .input(registryHostRefSchema)
    .output(removedRegistryLoginSchema)
    .mutation(async ({ ctx, input }) => {
      const removed = await removeRegistryLogin(ctx.services.db, ctx.user.team.id, input.host);
      await ctx.audit({
        action: "registries.remove",
        target: loginTarget(removed.host),
        details: { host: removed.host, username: removed.username },
      });
      return { host: removed.host, removed: true as const };
    }),
});
