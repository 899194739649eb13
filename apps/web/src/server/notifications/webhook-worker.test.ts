// The delivery worker against a scratch SQLite database and a real HTTP receiver on loopback: two
// workers on one queue never send a delivery twice (the lease's compare-and-set), a refused answer
// is recorded and scheduled, a redirect is not followed, and every request is signed.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import type { PortalEvents } from "../services";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { queueDeliveries } from "./notify";
import { verifyWebhookSignature } from "./webhook-signature";
import { WebhookWorker } from "./webhook-worker";

let scratch: ScratchDatabase;
let db: Db;
let server: Server;
let port = 0;
/** What the receiver answers, by path; 200 when unnamed. */
const answers = new Map<string, { status: number; headers?: Record<string, string>; delayMs?: number }>();
const received: { path: string; headers: IncomingMessage["headers"]; body: string }[] = [];
const secrets = createSecretBox(randomBytes(32));
const SECRET = "whsec_worker-test";
const logged: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(line) });

beforeAll(async () => {
  scratch = await scratchDatabase("webhook-worker");
  db = scratch.db;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers.get(path) ?? { status: 200 };
      setTimeout(() => res.writeHead(answer.status, answer.headers ?? {}).end(), answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await scratch?.dispose();
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const free = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return free;
}

function worker(events: EventEmitter<PortalEvents>): WebhookWorker {
  const { metrics } = registryWithoutAgents();
  return new WebhookWorker({ db, logger, secrets, events, metrics, retryInitialMs: 60_000 });
}

async function endpointAt(path: string) {
  const { team } = await teamWithApp(db);
  const endpoint = await db.webhookEndpoint.create({
    data: {
      teamId: team.id,
      name: path,
      url: `http://127.0.0.1:${port}${path}`,
      format: "generic",
      events: JSON.stringify(["webhook.test"]),
      secret: secrets.seal(SECRET),
    },
  });
  return { team, endpoint };
}

async function queue(
  teamId: string,
  endpoint: { id: string; format: string },
  count: number,
  events: EventEmitter<PortalEvents>,
) {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const notification = { type: "webhook.test" as const, summary: `test ${i}`, data: { i } };
    ids.push(
      ...(await queueDeliveries(
        { db, events, config: { publicUrl: "http://127.0.0.1" } },
        teamId,
        [endpoint],
        notification,
      )),
    );
  }
  return ids;
}

async function settled(ids: string[], done: (status: string, attempts: number) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.webhookDelivery.findMany({ where: { id: { in: ids } } });
    if (rows.length === ids.length && rows.every((row) => done(row.status, row.attempts))) return rows;
    if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("WebhookWorker", () => {
  it("two workers on one queue send each delivery once, signed", async () => {
    answers.set("/pair", { status: 204, delayMs: 30 });
    const { team, endpoint } = await endpointAt("/pair");
    const events = new EventEmitter<PortalEvents>();
    const ids = await queue(team.id, endpoint, 12, events);
    const first = worker(events);
    const second = worker(events);
    first.start();
    second.start();
    try {
      const rows = await settled(ids, (status) => status === "delivered");
      expect(rows.every((row) => row.attempts === 1 && row.lockedUntil === null && row.deliveredAt)).toBe(true);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    const mine = received.filter((request) => request.path === "/pair");
    const sentIds = mine.map((request) => String(request.headers["wheelhouse-delivery"]));
    expect(sentIds.sort()).toEqual([...ids].sort());
    for (const request of mine) {
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["user-agent"]).toBe("Wheelhouse-Webhooks/1");
      expect(request.headers["wheelhouse-event"]).toBe("webhook.test");
      const timestamp = String(request.headers["wheelhouse-timestamp"]);
      expect(Math.abs(Number(timestamp) - Date.now() / 1_000)).toBeLessThan(60);
      expect(
        verifyWebhookSignature(SECRET, timestamp, request.body, String(request.headers["wheelhouse-signature"])),
      ).toBe(true);
      expect(JSON.parse(request.body)).toMatchObject({
        id: request.headers["wheelhouse-delivery"],
        type: "webhook.test",
      });
    }
    expect(await db.webhookAttempt.count({ where: { deliveryId: { in: ids } } })).toBe(12);
  });

  it("a 500 is recorded as an attempt and scheduled after the initial delay; a 302 is not followed", async () => {
    answers.set("/down", { status: 500 });
    answers.set("/moved", { status: 302, headers: { location: `http://127.0.0.1:${port}/pair` } });
    const events = new EventEmitter<PortalEvents>();
    const down = await endpointAt("/down");
    const moved = await endpointAt("/moved");
    const [downId] = await queue(down.team.id, down.endpoint, 1, events);
    const [movedId] = await queue(moved.team.id, moved.endpoint, 1, events);
    const ids = [downId ?? "", movedId ?? ""];
    const before = received.filter((request) => request.path === "/pair").length;
    const sender = worker(events);
    const started = Date.now();
    sender.start();
    try {
      const rows = await settled(ids, (_status, attempts) => attempts === 1);
      for (const row of rows) {
        expect(row.status).toBe("pending");
        expect(row.lockedUntil).toBeNull();
        // retryInitialMs is 60 s here: the next attempt is a minute after this one.
        expect(row.nextAttemptAt.getTime() - started).toBeGreaterThanOrEqual(59_000);
        expect(row.nextAttemptAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      }
      const attempts = await db.webhookAttempt.findMany({ where: { deliveryId: { in: ids } } });
      expect(attempts.map((attempt) => attempt.statusCode).sort()).toEqual([302, 500]);
      expect(rows.find((row) => row.id === movedId)?.lastStatusCode).toBe(302);
    } finally {
      await sender.stop();
    }
    // The redirect's target heard nothing more.
    expect(received.filter((request) => request.path === "/pair").length).toBe(before);
  });

  it("a receiver that is not there is an attempt with a sentence, not a log of its URL", async () => {
    const { team } = await teamWithApp(db);
    const endpoint = await db.webhookEndpoint.create({
      data: {
        teamId: team.id,
        name: "nobody",
        // A port just freed, so nothing listens; the query string stands for a secret in the URL.
        url: `http://127.0.0.1:${await closedPort()}/hook?token=secret-in-url`,
        format: "slack",
        events: JSON.stringify(["webhook.test"]),
        secret: secrets.seal(SECRET),
      },
    });
    const events = new EventEmitter<PortalEvents>();
    const ids = await queue(team.id, endpoint, 1, events);
    const sender = worker(events);
    sender.start();
    try {
      const [row] = await settled(ids, (_status, attempts) => attempts === 1);
      expect(row?.lastError).toMatch(/Connection refused/);
      expect(row?.lastStatusCode).toBeNull();
    } finally {
      await sender.stop();
    }
    expect(logged.join("\n")).not.toContain("secret-in-url");
  });
});
