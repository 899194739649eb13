import {
  emailSchema,
  passwordSchema,
  personNameSchema,
  removedMemberSchema,
  removeMemberInputSchema,
  roleSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { changeDisabled, changeRole, changeShellGrant } from "./access-changes";
import { createUser, listTeamMembers } from "./accounts";
import { secondFactorUserProcedures } from "./second-factor-router";
import { removeMember } from "./teams";

const userId = z.string().min(1).max(64);

const userTarget = (id: string) => ({ type: "user", id });

export const usersRouter = router({
  // An admin clears a member's lost second factor (second-factor-router.ts).
  ...secondFactorUserProcedures,

  list: withPermission("users.read").query(({ ctx }) => listTeamMembers(ctx.services.db, ctx.user.team.id)),

  create: withPermission("users.create")
    .input(z.object({ email: emailSchema, name: personNameSchema, password: passwordSchema, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.services.db, { ...input, teamId: ctx.user.team.id });
      await ctx.audit({
        action: "users.create",
        target: userTarget(user.id),
        details: { email: user.email, role: input.role },
      });
      return { id: user.id };
    }),

  setRole: withPermission("users.role.update")
    .input(z.object({ userId, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const { previous, user } = await changeRole(ctx.services, ctx.user.team.id, input.userId, input.role);
      await ctx.audit({
        action: "users.role.update",
        target: userTarget(user.id),
        details: { email: user.email, from: previous, to: input.role },
      });
      return { ok: true };
    }),

  setShellGrant: withPermission("users.role.update")
    .input(z.object({ userId, granted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { previous, user } = await changeShellGrant(ctx.services, ctx.user.team.id, input.userId, input.granted);
      await ctx.audit({
        action: "users.shell-grant.update",
        target: userTarget(user.id),
        details: { email: user.email, from: previous, to: input.granted },
      });
      return { ok: true };
    }),

  setDisabled: withPermission("users.disable")
    .input(z.object({ userId, disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { user, endedSessions } = await changeDisabled(
        ctx.services,
        { id: ctx.user.id, teamId: ctx.user.team.id },
        input.userId,
        input.disabled,
      );
      await ctx.audit({
        action: input.disabled ? "users.disable" : "users.enable",
        target: userTarget(user.id),
        details: { email: user.email, endedSessions },
      });
      return { ok: true };
    }),

  /** Out of this team only: the account and the person's other teams stay (teams.ts). */
  remove: withPermission("users.remove")
    // For `wheelhouse users remove EMAIL`, which finds the id in GET /users.
    .meta(
      rest("DELETE", "/users/{userId}", "Take a member out of your team; their account and other teams stay", [
        "users",
      ]),
    )
    .input(removeMemberInputSchema)
    .output(removedMemberSchema)
    .mutation(async ({ ctx, input }) => {
      const removed = await removeMember(ctx.services.db, ctx.user.id, ctx.user.team.id, input.userId);
      // Their sockets re-check at once: one working in this team ends (browser-gate.ts).
      ctx.services.events.emit("accessChanged", removed.user.id);
      await ctx.audit({
        action: "users.remove",
        target: userTarget(removed.user.id),
        details: { email: removed.user.email, role: removed.role, revokedKeys: removed.revokedKeys },
      });
      return { ok: true as const, email: removed.user.email, role: removed.role, revokedKeys: removed.revokedKeys };
    }),
});
