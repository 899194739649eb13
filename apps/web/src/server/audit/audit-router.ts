import { z } from "zod";
import { router, withPermission } from "../trpc/trpc";
import { listAuditEvents } from "./audit-log";

export const auditRouter = router({
  list: withPermission("audit.read")
    .input(
      z.object({
        action: z.string().trim().max(100).optional(),
        actor: z.string().trim().max(200).optional(),
        outcome: z.enum(["success", "denied", "failure"]).optional(),
        cursor: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.services.db, {
        teamId: ctx.user.team.id,
        action: input.action || undefined,
        actor: input.actor || undefined,
        outcome: input.outcome,
        before: input.cursor,
        limit: input.limit,
      }),
    ),
});
