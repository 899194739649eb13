// How any part of the portal tells a team something (issue 14): one call queues a delivery for each
// of the team's enabled webhooks that subscribed to the event. The body is rendered now and stored,
// so every retry sends the same bytes; the delivery worker (webhook-worker.ts) sends and retries.
// Queuing is a database insert: a portal that stops right after still delivers when it starts again.
import { randomUUID } from "node:crypto";
import type { NotificationEnvelope, NotificationEvent, WebhookFormat } from "@wheelhouse/shared";
import type { Config } from "../config/env";
import type { Db } from "../db/client";
import type { PortalServices } from "../services";

export interface Notification {
  type: NotificationEvent;
  /** One sentence a person reads in a chat channel. */
  summary: string;
  /** The portal page about it, as a path ("/approvals/…"); made absolute with PUBLIC_URL. */
  path?: string;
  data: Record<string, unknown>;
}

/** What queuing needs: the database, the worker's wake-up and PUBLIC_URL for links. */
type QueueServices = Pick<PortalServices, "db" | "events"> & { config: Pick<Config, "publicUrl"> };
/** notifySafely's: a logger too. */
export type NotifyServices = QueueServices & Pick<PortalServices, "logger">;

/** Renders the body an endpoint of `format` receives. Slack's incoming webhooks read `text`. */
export function renderWebhookBody(format: WebhookFormat, envelope: NotificationEnvelope): string {
  if (format === "slack") {
    const text = envelope.link ? `${envelope.summary} <${envelope.link}|Open in Wheelhouse>` : envelope.summary;
    return JSON.stringify({ text });
  }
  return JSON.stringify(envelope);
}

async function teamName(db: Db, teamId: string): Promise<string> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { name: true } });
  return team?.name ?? "";
}

/**
 * Queues `notification` for the team's subscribed webhooks; returns the delivery ids. Never throws
 * for lack of endpoints; a database failure propagates (the caller decides whether it matters).
 */
export async function notify(services: QueueServices, teamId: string, notification: Notification): Promise<string[]> {
  const endpoints = await services.db.webhookEndpoint.findMany({ where: { teamId, enabled: true } });
  const subscribed = endpoints.filter((endpoint) =>
    (JSON.parse(endpoint.events) as string[]).includes(notification.type),
  );
  return queueDeliveries(services, teamId, subscribed, notification);
}

/** One delivery of `notification` to each of `endpoints` (subscribed or not: Send test uses this). */
export async function queueDeliveries(
  services: QueueServices,
  teamId: string,
  endpoints: readonly { id: string; format: string }[],
  notification: Notification,
): Promise<string[]> {
  const { db, config } = services;
  if (endpoints.length === 0) return [];
  const name = await teamName(db, teamId);
  const now = new Date();
  const link = notification.path ? new URL(notification.path, config.publicUrl).toString() : null;
  const rows = endpoints.map((endpoint) => {
    const id = randomUUID();
    const envelope: NotificationEnvelope = {
      id,
      type: notification.type,
      createdAt: now.toISOString(),
      team: { id: teamId, name },
      summary: notification.summary,
      link,
      data: notification.data,
    };
    return {
      id,
      endpointId: endpoint.id,
      teamId,
      event: notification.type,
      body: renderWebhookBody(endpoint.format as WebhookFormat, envelope),
      status: "pending",
      nextAttemptAt: now,
      createdAt: now,
    };
  });
  await db.webhookDelivery.createMany({ data: rows });
  services.events.emit("notificationsQueued");
  return rows.map((row) => row.id);
}

/** For callers whose own work must not fail because a notification could not be queued: logs instead. */
export async function notifySafely(
  services: NotifyServices,
  teamId: string,
  notification: Notification,
): Promise<void> {
  try {
    await notify(services, teamId, notification);
  } catch (error) {
    services.logger.error({ err: error, type: notification.type }, "could not queue a notification");
  }
}

/**
 * notifySafely bound to its services, for the parts built before PortalServices exists (the signal
 * intake, the deploy orchestrator): they tell the team without knowing how.
 */
export interface Notifier {
  /** Queues the notification; never throws (a failure is logged). */
  notify(teamId: string, notification: Notification): Promise<void>;
}

export function createNotifier(services: NotifyServices): Notifier {
  return { notify: (teamId, notification) => notifySafely(services, teamId, notification) };
}
