// What a team may be told through its outgoing webhooks (issue 14), and the envelope each one is
// sent in. The Slack-compatible format sends `{ text }` built from the same envelope's summary.
import { z } from "zod";

export const NOTIFICATION_EVENTS = [
  "incident.opened",
  "incident.resolved",
  "approval.requested",
  "approval.decided",
  "approval.break-glass",
  "deployment.failed",
  "certificate.failed",
  "certificate.expiring",
  "webhook.test",
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export const NOTIFICATION_EVENT_LABELS: Record<NotificationEvent, string> = {
  "incident.opened": "An incident opened",
  "incident.resolved": "An incident was resolved",
  "approval.requested": "An approval request waits",
  "approval.decided": "An approval request was decided, executed, expired or cancelled",
  "approval.break-glass": "An admin used break-glass",
  "deployment.failed": "A deployment failed",
  "certificate.failed": "A certificate could not be issued or renewed",
  "certificate.expiring": "A certificate expires within 14 days",
  "webhook.test": "The Send test button",
};

export const WEBHOOK_FORMATS = ["generic", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * The generic body. `id` is the delivery's id, also sent as the Wheelhouse-Delivery header: a
 * receiver that has seen it drops the repeat (delivery is at least once).
 */
export const notificationEnvelopeSchema = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_EVENTS),
  createdAt: z.string(),
  team: z.object({ id: z.string(), name: z.string() }),
  /** One sentence a person reads in a chat channel. */
  summary: z.string(),
  /** The portal page about it, when PUBLIC_URL is known. */
  link: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type NotificationEnvelope = z.infer<typeof notificationEnvelopeSchema>;

/** The headers every delivery carries; docs/webhooks.md shows how to verify the signature. */
export const WEBHOOK_HEADERS = {
  delivery: "Wheelhouse-Delivery",
  event: "Wheelhouse-Event",
  timestamp: "Wheelhouse-Timestamp",
  /** `v1=` + hex HMAC-SHA256 over `${timestamp}.${body}` with the endpoint's secret. */
  signature: "Wheelhouse-Signature",
} as const;
