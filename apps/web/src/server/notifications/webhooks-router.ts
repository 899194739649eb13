// Outgoing webhooks over tRPC and REST (/api/v1/webhooks), all `notifications.manage` (admins).
// Thin: the rules are in webhook-endpoints.ts. The secret is answered once, by create; audit
// details name the webhook and its URL's origin only.
import {
  webhookCreatedSchema,
  webhookCreateInputSchema,
  webhookDeliveriesInputSchema,
  webhookDeliveryPageSchema,
  webhookEndpointSchema,
  webhookRefSchema,
  webhookUpdateInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import {
  auditDetails,
  createEndpoint,
  deleteEndpoint,
  listDeliveries,
  listEndpoints,
  sendTest,
  updateEndpoint,
} from "./webhook-endpoints";

const TAGS = ["webhooks"];

const target = (id: string) => ({ type: "webhook", id });

export const webhooksRouter = router({
  list: withPermission("notifications.manage")
    .meta(rest("GET", "/webhooks", "The team's outgoing webhooks, each with its newest delivery", TAGS))
    .input(z.object({}).strict().optional())
    .output(z.object({ endpoints: z.array(webhookEndpointSchema) }))
    .query(async ({ ctx }) => ({ endpoints: await listEndpoints(ctx.services, ctx.user.team.id) })),

  create: withPermission("notifications.manage")
    .meta(rest("POST", "/webhooks", "Add a webhook; its signing secret is in this answer and never shown again", TAGS))
    .input(webhookCreateInputSchema)
    .output(webhookCreatedSchema)
    .mutation(async ({ ctx, input }) => {
      const { row, endpoint, secret } = await createEndpoint(ctx.services, ctx.user.team.id, ctx.user, input);
      await ctx.audit({ action: "webhooks.create", target: target(row.id), details: auditDetails(row) });
      return { endpoint, secret };
    }),

  update: withPermission("notifications.manage")
    .meta(rest("PATCH", "/webhooks/{id}", "Change a webhook's name, URL, format, events, or enable/disable it", TAGS))
    .input(webhookUpdateInputSchema)
    .output(z.object({ endpoint: webhookEndpointSchema }))
    .mutation(async ({ ctx, input }) => {
      const { before, row, endpoint } = await updateEndpoint(ctx.services, ctx.user.team.id, input);
      await ctx.audit({
        action: "webhooks.update",
        target: target(row.id),
        details: { before: auditDetails(before), after: auditDetails(row) },
      });
      return { endpoint };
    }),

  delete: withPermission("notifications.manage")
    .meta(rest("DELETE", "/webhooks/{id}", "Remove a webhook with its queued deliveries and their log", TAGS))
    .input(webhookRefSchema)
    .output(z.object({ id: z.string(), deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      const row = await deleteEndpoint(ctx.services, ctx.user.team.id, input.id);
      await ctx.audit({ action: "webhooks.delete", target: target(row.id), details: auditDetails(row) });
      return { id: row.id, deleted: true as const };
    }),

  test: withPermission("notifications.manage")
    .meta(rest("POST", "/webhooks/{id}/test", "Queue a webhook.test delivery to this webhook", TAGS))
    .input(webhookRefSchema)
    .output(z.object({ deliveryId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { row, deliveryId } = await sendTest(ctx.services, ctx.user.team.id, input.id, ctx.user);
      await ctx.audit({
        action: "webhooks.test",
        target: target(row.id),
        details: { name: row.name, origin: new URL(row.url).origin, deliveryId },
      });
      return { deliveryId };
    }),

  deliveries: withPermission("notifications.manage")
    .meta(rest("GET", "/webhooks/{id}/deliveries", "A webhook's deliveries, newest first, with every attempt", TAGS))
    .input(webhookDeliveriesInputSchema)
    .output(webhookDeliveryPageSchema)
    .query(async ({ ctx, input }) => listDeliveries(ctx.services, ctx.user.team.id, input)),
});
