import { emailSchema, passwordSchema, personNameSchema, roleSchema } from "@wheelhouse/shared";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { router, withPermission } from "../trpc/trpc";
import { createUser, listTeamMembers, setDisabled, setRole, setShellGrant } from "./accounts";

const userId = z.string().min(1).max(64);

export const usersRouter = router({
  list: withPermission("users.read").query(({ ctx }) => listTeamMembers(ctx.services.db, ctx.user.team.id)),

  create: withPermission("users.create")
    .input(z.object({ email: emailSchema, name: personNameSchema, password: passwordSchema, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const user = await createUser(ctx.services.db, { ...input, teamId: ctx.user.team.id });
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: "users.create",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { email: user.email, role: input.role },
      });
      return { id: user.id };
    }),

  setRole: withPermission("users.role.update")
    .input(z.object({ userId, role: roleSchema }))
    .mutation(async ({ ctx, input }) => {
      const { previous, user } = await setRole(ctx.services.db, ctx.user.team.id, input.userId, input.role);
      // Live sockets (logs, shells) re-check at once what this person may still hold.
      if (previous !== input.role) ctx.services.events.emit("accessChanged", user.id);
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: "users.role.update",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { email: user.email, from: previous, to: input.role },
      });
      return { ok: true };
    }),

  setShellGrant: withPermission("users.role.update")
    .input(z.object({ userId, granted: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { previous, user } = await setShellGrant(ctx.services.db, ctx.user.team.id, input.userId, input.granted);
      if (previous !== input.granted) ctx.services.events.emit("accessChanged", user.id);
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: "users.shell-grant.update",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { email: user.email, from: previous, to: input.granted },
      });
      return { ok: true };
    }),

  setDisabled: withPermission("users.disable")
    .input(z.object({ userId, disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { user, endedSessions } = await setDisabled(
        ctx.services.db,
        ctx.user.team.id,
        input.userId,
        input.disabled,
      );
      if (input.disabled) ctx.services.events.emit("sessionsEnded", user.id);
      await recordAudit(ctx.services.db, {
        actor: ctx.user,
        teamId: ctx.user.team.id,
        action: input.disabled ? "users.disable" : "users.enable",
        target: { type: "user", id: user.id },
        outcome: "success",
        ip: ctx.ip,
        details: { email: user.email, endedSessions },
      });
      return { ok: true };
    }),
});
