// Pruning the delivery log, on a real SQLite database migrated like a portal's: finished deliveries
// older than the retention go with their attempts; pending ones and recent ones stay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import { type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { DELIVERY_RETENTION_MS, pruneDeliveries } from "./webhook-retention";

let scratch: ScratchDatabase;
let db: Db;
const NOW = new Date("2026-12-02T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  scratch = await scratchDatabase("webhook-retention");
  db = scratch.db;
});
afterAll(async () => {
  await scratch?.dispose();
});

async function delivery(endpointId: string, teamId: string, status: string, ageMs: number): Promise<string> {
  const createdAt = new Date(NOW.getTime() - ageMs);
  const row = await db.webhookDelivery.create({
    data: { endpointId, teamId, event: "deployment.failed", body: "{}", status, nextAttemptAt: createdAt, createdAt },
  });
  await db.webhookAttempt.create({ data: { deliveryId: row.id, statusCode: 200, durationMs: 5, at: createdAt } });
  return row.id;
}

describe("pruneDeliveries", () => {
  it("deletes finished deliveries past the retention with their attempts, and nothing else", async () => {
    const { team } = await teamWithApp(db);
    const endpoint = await db.webhookEndpoint.create({
      data: { teamId: team.id, name: "ops", url: "http://127.0.0.1:9/", format: "generic", events: "[]", secret: "x" },
    });
    const old = DELIVERY_RETENTION_MS + DAY;
    const oldDelivered = await delivery(endpoint.id, team.id, "delivered", old);
    const oldFailed = await delivery(endpoint.id, team.id, "failed", old);
    const oldPending = await delivery(endpoint.id, team.id, "pending", old);
    const recent = await delivery(endpoint.id, team.id, "delivered", DELIVERY_RETENTION_MS - DAY);

    expect(await pruneDeliveries(db, NOW)).toBe(2);

    const left = (await db.webhookDelivery.findMany({ select: { id: true } })).map((row) => row.id).sort();
    expect(left).toEqual([oldPending, recent].sort());
    const attempts = await db.webhookAttempt.findMany({ select: { deliveryId: true } });
    expect(attempts.map((a) => a.deliveryId).sort()).toEqual([oldPending, recent].sort());
    expect(left).not.toContain(oldDelivered);
    expect(left).not.toContain(oldFailed);
    // A second pass finds nothing more.
    expect(await pruneDeliveries(db, NOW)).toBe(0);
  });

  it("works a backlog off in batches of a thousand", async () => {
    const { team } = await teamWithApp(db);
    const endpoint = await db.webhookEndpoint.create({
      data: { teamId: team.id, name: "bulk", url: "http://127.0.0.1:9/", format: "generic", events: "[]", secret: "x" },
    });
    const createdAt = new Date(NOW.getTime() - DELIVERY_RETENTION_MS - DAY);
    await db.webhookDelivery.createMany({
      data: Array.from({ length: 2_500 }, () => ({
        endpointId: endpoint.id,
        teamId: team.id,
        event: "deployment.failed",
        body: "{}",
        status: "delivered",
        nextAttemptAt: createdAt,
        createdAt,
      })),
    });
    // Two batches per pass at most here: 2,000 now, the rest next time.
    expect(await pruneDeliveries(db, NOW, 2)).toBe(2_000);
    expect(await pruneDeliveries(db, NOW, 2)).toBe(500);
    expect(await db.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });
});
