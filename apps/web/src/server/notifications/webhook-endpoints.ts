// A team's outgoing webhooks (Settings → Notifications, /api/v1/webhooks): add, change, remove,
// send a test, read the delivery log. The signing secret is made here, sealed with SECRET_KEY and
// answered once. A webhook's URL is itself a credential (a Slack URL's path is its key), so answers
// and audit details carry only its origin (decision 039).
import { randomBytes } from "node:crypto";
import type {
  NotificationEvent,
  WebhookDeliveryStatus,
  WebhookFormat,
  webhookCreateInputSchema,
  webhookDeliveriesInputSchema,
  webhookDeliveryPageSchema,
  webhookEndpointSchema,
  webhookUpdateInputSchema,
} from "@wheelhouse/shared";
import type { z } from "zod";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { queueDeliveries } from "./notify";

type Services = Pick<PortalServices, "db" | "events" | "config" | "secrets">;
type Endpoint = z.infer<typeof webhookEndpointSchema>;
type EndpointRow = Awaited<ReturnType<PortalServices["db"]["webhookEndpoint"]["findUniqueOrThrow"]>>;

/** `https://hooks.slack.com/…`: where deliveries go, without the path and query that may be its key. */
export function urlOrigin(url: string): string {
  const parsed = new URL(url);
  const rest = `${parsed.pathname}${parsed.search}`;
  return rest === "/" || rest === "" ? parsed.origin : `${parsed.origin}/…`;
}

/** What an audit entry says about a webhook: never its secret, never more of its URL than the origin. */
export function auditDetails(row: Pick<EndpointRow, "name" | "url" | "format" | "events" | "enabled">) {
  return {
    name: row.name,
    origin: new URL(row.url).origin,
    format: row.format,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled,
  };
}

async function toEndpoint(services: Services, row: EndpointRow): Promise<Endpoint> {
  const last = await services.db.webhookDelivery.findFirst({
    where: { endpointId: row.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { status: true, createdAt: true, deliveredAt: true, lastStatusCode: true },
  });
  return {
    id: row.id,
    name: row.name,
    url: urlOrigin(row.url),
    format: row.format as WebhookFormat,
    events: JSON.parse(row.events) as NotificationEvent[],
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    lastDelivery: last
      ? {
          status: last.status as WebhookDeliveryStatus,
          at: (last.deliveredAt ?? last.createdAt).toISOString(),
          statusCode: last.lastStatusCode,
        }
      : null,
  };
}

export async function findEndpoint(services: Pick<Services, "db">, teamId: string, id: string): Promise<EndpointRow> {
  const row = await services.db.webhookEndpoint.findFirst({ where: { id, teamId } });
  if (!row) throw new AppError("NOT_FOUND", "There is no such webhook in your team (see Settings → Notifications).");
  return row;
}

export async function listEndpoints(services: Services, teamId: string): Promise<Endpoint[]> {
  const rows = await services.db.webhookEndpoint.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
  return Promise.all(rows.map((row) => toEndpoint(services, row)));
}

export async function createEndpoint(
  services: Services,
  teamId: string,
  actor: { id: string },
  input: z.output<typeof webhookCreateInputSchema>,
): Promise<{ row: EndpointRow; endpoint: Endpoint; secret: string }> {
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  const row = await services.db.webhookEndpoint.create({
    data: {
      teamId,
      name: input.name,
      url: input.url,
      format: input.format,
      events: JSON.stringify([...new Set(input.events)]),
      secret: services.secrets.seal(secret),
      createdById: actor.id,
    },
  });
  return { row, endpoint: await toEndpoint(services, row), secret };
}

export async function updateEndpoint(
  services: Services,
  teamId: string,
  input: z.output<typeof webhookUpdateInputSchema>,
): Promise<{ before: EndpointRow; row: EndpointRow; endpoint: Endpoint }> {
  const before = await findEndpoint(services, teamId, input.id);
  const row = await services.db.webhookEndpoint.update({
    where: { id: before.id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.format !== undefined ? { format: input.format } : {}),
      ...(input.events !== undefined ? { events: JSON.stringify([...new Set(input.events)]) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    },
  });
  // Re-enabled: deliveries held while it was off are due now (those past 24 hours are given up).
  if (!before.enabled && row.enabled) services.events.emit("notificationsQueued");
  return { before, row, endpoint: await toEndpoint(services, row) };
}

/** Removes the webhook with its queued deliveries and their log. */
export async function deleteEndpoint(services: Services, teamId: string, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(services, teamId, id);
  await services.db.webhookEndpoint.delete({ where: { id: row.id } });
  return row;
}

/** Queues a `webhook.test` delivery to this webhook, whatever events it subscribed to. */
export async function sendTest(
  services: Services,
  teamId: string,
  id: string,
  actor: { email: string },
): Promise<{ row: EndpointRow; deliveryId: string }> {
  const row = await findEndpoint(services, teamId, id);
  if (!row.enabled) throw new AppError("CONFLICT", "This webhook is disabled: enable it to send a test.");
  const [deliveryId] = await queueDeliveries(services, teamId, [row], {
    type: "webhook.test",
    summary: `A test from Wheelhouse, sent by ${actor.email} to the webhook "${row.name}".`,
    path: "/settings/notifications",
    data: { webhook: { id: row.id, name: row.name }, sentBy: actor.email },
  });
  if (!deliveryId) throw new Error("queueing a test delivery returned no id");
  return { row, deliveryId };
}

/** The webhook's deliveries, newest first, each with its attempts; `cursor` is the last id of the previous page. */
export async function listDeliveries(
  services: Pick<Services, "db">,
  teamId: string,
  input: z.output<typeof webhookDeliveriesInputSchema>,
): Promise<z.infer<typeof webhookDeliveryPageSchema>> {
  const endpoint = await findEndpoint(services, teamId, input.id);
  const rows = await services.db.webhookDelivery.findMany({
    where: { endpointId: endpoint.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    take: input.limit + 1,
    include: { attemptLog: { orderBy: { id: "asc" } } },
  });
  const page = rows.slice(0, input.limit);
  return {
    deliveries: page.map((row) => ({
      id: row.id,
      event: row.event as NotificationEvent,
      status: row.status as WebhookDeliveryStatus,
      attempts: row.attempts,
      lastStatusCode: row.lastStatusCode,
      lastError: row.lastError,
      nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
      attemptLog: row.attemptLog.map((attempt) => ({
        at: attempt.at.toISOString(),
        statusCode: attempt.statusCode,
        error: attempt.error,
        durationMs: attempt.durationMs,
      })),
    })),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
