import { CONTAINER_ACTIONS } from "@wheelhouse/shared";
import { z } from "zod";
import { router, withPermission } from "../trpc/trpc";
import { containerAction, hostInventory, inspectContainer } from "./containers";

const hostId = z.string().min(1).max(64);
const containerId = z.string().regex(/^[0-9a-f]{64}$/, { message: "A container id is 64 hexadecimal characters." });

export const containersRouter = router({
  list: withPermission("hosts.read")
    .input(z.object({ hostId }))
    .query(({ ctx, input }) =>
      hostInventory(ctx.services.db, ctx.services.inventory, ctx.services.agents, ctx.user.team.id, input.hostId),
    ),

  inspect: withPermission("containers.inspect")
    .input(z.object({ hostId, id: containerId }))
    .query(({ ctx, input }) =>
      inspectContainer(ctx.services.db, ctx.services.inventory, ctx.services.agents, ctx.user, input.hostId, input.id),
    ),

  action: withPermission("containers.manage")
    .input(
      z.object({
        hostId,
        id: containerId,
        action: z.enum(CONTAINER_ACTIONS),
        confirmUnmanaged: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const container = await containerAction(ctx.services.db, ctx.services.inventory, ctx.services.agents, {
        ...input,
        teamId: ctx.user.team.id,
      });
      await ctx.audit({
        action: `containers.${input.action}`,
        target: { type: "container", id: input.id },
        details: { hostId: input.hostId, name: container.name, image: container.image },
      });
      return { ok: true };
    }),
});
