// The request and response shapes of outgoing webhooks (issue 14): Settings → Notifications, REST
// /api/v1/webhooks…, and the CLI's parsing.
import { z } from "zod";
import { NOTIFICATION_EVENTS, WEBHOOK_FORMATS } from "../notifications/notification-events";

const isoDate = z.string();
const id = z.string().min(1).max(64);

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2_000, "A URL is at most 2,000 characters.")
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && url.username === "" && url.password === "";
    } catch {
      return false;
    }
  }, "The URL is an http:// or https:// address without a user name or password in it.");

const eventsSchema = z
  .array(z.enum(NOTIFICATION_EVENTS))
  .min(1, "Choose at least one event.")
  .max(NOTIFICATION_EVENTS.length);

export const webhookCreateInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the webhook a name.").max(100, "A name is at most 100 characters."),
    url: webhookUrlSchema,
    format: z.enum(WEBHOOK_FORMATS).default("generic"),
    events: eventsSchema,
  })
  .strict();

export const webhookUpdateInputSchema = z
  .object({
    id,
    name: z.string().trim().min(1).max(100).optional(),
    url: webhookUrlSchema.optional(),
    format: z.enum(WEBHOOK_FORMATS).optional(),
    events: eventsSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const webhookRefSchema = z.object({ id }).strict();

export const webhookDeliveriesInputSchema = z
  .object({
    id,
    cursor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    /** Sent by tRPC's infinite queries (the delivery log's "Older deliveries"); pages only go back in time. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .strict();

export const webhookEndpointSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  events: z.array(z.enum(NOTIFICATION_EVENTS)),
  enabled: z.boolean(),
  createdAt: isoDate,
  /** The newest delivery's status, for the list. */
  lastDelivery: z
    .object({ status: z.enum(WEBHOOK_DELIVERY_STATUSES), at: isoDate, statusCode: z.number().int().nullable() })
    .nullable(),
});

/** Answered once, at creation: the signing secret is never shown again. */
export const webhookCreatedSchema = z.object({ endpoint: webhookEndpointSchema, secret: z.string() });

export const webhookAttemptSchema = z.object({
  at: isoDate,
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});

export const webhookDeliverySchema = z.object({
  id: z.string(),
  event: z.enum(NOTIFICATION_EVENTS),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoDate.nullable(),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
  attemptLog: z.array(webhookAttemptSchema),
});

export const webhookDeliveryPageSchema = z.object({
  deliveries: z.array(webhookDeliverySchema),
  nextCursor: z.string().nullable(),
});
