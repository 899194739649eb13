// Sends queued webhook deliveries (issue 14, decision 039). The queue is the WebhookDelivery table:
// a delivery is claimed by a conditional update of its lease (lockedUntil), so two portal processes
// never send one at once, and one that dies mid-send frees it when the lease passes. Each claimed
// delivery gets one signed POST; its outcome is recorded as an attempt and decides the next one
// (webhook-retry.ts). At least once: a process killed between the receiver's 2xx and the database
// write sends that delivery again, with the same Wheelhouse-Delivery id for the receiver to drop.
import type { EventEmitter } from "node:events";
import { WEBHOOK_HEADERS } from "@wheelhouse/shared";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { reasonOf } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";
import type { PortalEvents } from "../services";
import { type AttemptResult, isExpired, nextStep } from "./webhook-retry";
import { signWebhook } from "./webhook-signature";

/** A receiver that has not answered by then has failed this attempt. */
export const SEND_TIMEOUT_MS = 10_000;
/** How long a claim holds a delivery: the send's timeout and its bookkeeping, with room to spare. */
const LEASE_MS = 30_000;
/** Deliveries sent at once by this process: one slow receiver must not hold up the others for long. */
const MAX_IN_FLIGHT = 4;
/** Without a wake-up (a retry falling due, another process queuing), the queue is looked at this often. */
const POLL_MS = 1_500;
/** Waits this long at shutdown for sends under way; the rest are sent again when their lease passes. */
const STOP_GRACE_MS = 2_000;

export interface WebhookWorkerDependencies {
  db: Db;
  logger: Logger;
  secrets: SecretBox;
  events: EventEmitter<PortalEvents>;
  metrics: Pick<PortalMetrics, "webhookDeliveries">;
  /** WEBHOOK_RETRY_INITIAL_SECONDS in milliseconds. */
  retryInitialMs: number;
}

type ClaimedDelivery = Awaited<ReturnType<WebhookWorker["claim"]>>[number];

/** A fetch failure as a sentence for the delivery log: never the URL (a Slack URL's path is its secret). */
export function describeSendError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `No answer within ${SEND_TIMEOUT_MS / 1_000} seconds.`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : null;
  // fetch refuses the ports browsers block (e.g. 25, 6000) before connecting.
  if (cause?.message === "bad port") return "fetch refuses to send to that port (a blocked port): use another.";
  if (code === "ECONNREFUSED") return "Connection refused: nothing listens at that address.";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "The host name does not resolve.";
  if (code) return `Could not send: ${code}.`;
  return "Could not send the request.";
}

export class WebhookWorker {
  private readonly sends = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private lookAgain = false;
  private stopped = true;
  private lastClaimErrorAt = 0;
  private readonly wake = () => this.pump();

  constructor(private readonly deps: WebhookWorkerDependencies) {}

  /** Starts sending; only once the schema is current (main.ts starts it after the migrations). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.deps.events.on("notificationsQueued", this.wake);
    this.timer = setInterval(this.wake, POLL_MS);
    this.timer.unref();
    this.pump();
  }

  /** Stops claiming, and waits briefly for sends under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.events.off("notificationsQueued", this.wake);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.sends]),
      new Promise<void>((resolve) => {
        grace = setTimeout(resolve, STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(grace);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.lookAgain = true;
      return;
    }
    this.pumping = true;
    this.fill()
      .catch((error: unknown) => {
        // A database that does not answer would say so every tick: once a minute is enough.
        if (Date.now() - this.lastClaimErrorAt < 60_000) return;
        this.lastClaimErrorAt = Date.now();
        this.deps.logger.error({ err: error }, "could not look for webhook deliveries to send");
      })
      .finally(() => {
        this.pumping = false;
      });
  }

  /** Claims as many due deliveries as there are free slots, and starts sending each. */
  private async fill(): Promise<void> {
    do {
      this.lookAgain = false;
      const free = MAX_IN_FLIGHT - this.sends.size;
      if (free <= 0 || this.stopped) return;
      const claimed = await this.claim(free);
      for (const delivery of claimed) {
        const send: Promise<void> = this.send(delivery)
          .catch((error: unknown) =>
            this.deps.logger.error({ err: error, deliveryId: delivery.id }, "could not record a webhook attempt"),
          )
          .finally(() => {
            this.sends.delete(send);
            this.pump();
          });
        this.sends.add(send);
      }
      // A full batch may mean more are due.
      if (claimed.length === free) this.lookAgain = true;
    } while (this.lookAgain && !this.stopped);
  }

  /**
   * Due deliveries of enabled endpoints, each taken with a compare-and-set on its lease: the update
   * matches only while the lease is what this process read, so of two processes one wins.
   */
  private async claim(limit: number) {
    const { db } = this.deps;
    const now = new Date();
    const due = await db.webhookDelivery.findMany({
      where: {
        status: "pending",
        nextAttemptAt: { lte: now },
        OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
        endpoint: { enabled: true },
      },
      orderBy: { nextAttemptAt: "asc" },
      take: limit,
      select: { id: true, lockedUntil: true },
    });
    const claimed: string[] = [];
    for (const row of due) {
      const taken = await db.webhookDelivery.updateMany({
        where: { id: row.id, status: "pending", lockedUntil: row.lockedUntil },
        data: { lockedUntil: new Date(now.getTime() + LEASE_MS) },
      });
      if (taken.count === 1) claimed.push(row.id);
    }
    if (claimed.length === 0) return [];
    return db.webhookDelivery.findMany({
      where: { id: { in: claimed } },
      include: { endpoint: { select: { id: true, url: true, secret: true } } },
    });
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    if (isExpired(delivery.createdAt, new Date())) {
      // Held past its window (its endpoint was disabled, or the portal was down): not sent late.
      await this.finish(delivery, {
        status: "failed",
        reason: "Not delivered within 24 hours of being queued; no more attempts.",
      });
      return;
    }
    const started = Date.now();
    const result = await this.post(delivery);
    const durationMs = Date.now() - started;
    const attempts = delivery.attempts + 1;
    const now = new Date();
    const step = nextStep({
      result,
      attempts,
      createdAt: delivery.createdAt,
      now,
      retryInitialMs: this.deps.retryInitialMs,
    });
    const statusCode = result.kind === "answered" ? result.statusCode : null;
    const error = result.kind === "unreachable" ? result.error : null;
    await this.deps.db.$transaction([
      this.deps.db.webhookAttempt.create({
        data: { deliveryId: delivery.id, at: now, statusCode, error, durationMs },
      }),
      this.deps.db.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts,
          lastStatusCode: statusCode,
          lastError: step.status === "failed" ? step.reason : error,
          lockedUntil: null,
          status: step.status,
          ...(step.status === "delivered" ? { deliveredAt: now } : {}),
          ...(step.status === "pending" ? { nextAttemptAt: step.nextAttemptAt } : {}),
        },
      }),
    ]);
    const outcome = step.status === "delivered" ? "delivered" : step.status === "pending" ? "retried" : "failed";
    this.deps.metrics.webhookDeliveries.inc({ outcome });
    const fields = { deliveryId: delivery.id, endpointId: delivery.endpointId, event: delivery.event, attempts };
    if (step.status === "failed") this.deps.logger.warn({ ...fields, statusCode, error }, "webhook delivery given up");
    else if (step.status === "pending")
      this.deps.logger.info({ ...fields, statusCode, error }, "webhook delivery failed; will retry");
  }

  /** Ends a delivery without an attempt. */
  private async finish(delivery: ClaimedDelivery, step: { status: "failed"; reason: string }): Promise<void> {
    await this.deps.db.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: step.status, lastError: step.reason, lockedUntil: null },
    });
    this.deps.metrics.webhookDeliveries.inc({ outcome: "failed" });
    this.deps.logger.warn({ deliveryId: delivery.id, endpointId: delivery.endpointId }, "webhook delivery given up");
  }

  /** One POST: the stored body, signed now. No redirects (a 3xx is a failed attempt), no retries here. */
  private async post(delivery: ClaimedDelivery): Promise<AttemptResult> {
    let secret: string;
    try {
      secret = this.deps.secrets.open(delivery.endpoint.secret);
    } catch (error) {
      this.deps.logger.error(
        { endpointId: delivery.endpointId, reason: reasonOf(error) },
        "a webhook's signing secret cannot be opened with this SECRET_KEY",
      );
      return { kind: "unreachable", error: "The signing secret cannot be read (was SECRET_KEY changed?)." };
    }
    const timestamp = Math.floor(Date.now() / 1_000);
    try {
      const response = await fetch(delivery.endpoint.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        headers: {
          "content-type": "application/json",
          "user-agent": "Wheelhouse-Webhooks/1",
          [WEBHOOK_HEADERS.delivery]: delivery.id,
          [WEBHOOK_HEADERS.event]: delivery.event,
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, delivery.body),
        },
        body: delivery.body,
      });
      // The answer's body is not read: only its status counts, and an endless one must not hold a slot.
      await response.body?.cancel();
      return { kind: "answered", statusCode: response.status };
    } catch (error) {
      return { kind: "unreachable", error: describeSendError(error) };
    }
  }
}
