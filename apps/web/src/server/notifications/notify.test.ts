// Queuing notifications on a scratch database: only enabled endpoints subscribed to the event get a
// delivery, each in its own format; an incident a signal opens queues incident.opened once (after
// its commit), and the signals that join it queue nothing more.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { SignalIntake } from "../incidents/signal-intake";
import type { PortalEvents } from "../services";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { createNotifier, notify } from "./notify";

let scratch: ScratchDatabase;
let db: Db;
const secrets = createSecretBox(randomBytes(32));
const logger = pino({ level: "silent" });
const config = { publicUrl: "https://wheelhouse.example.com" };

beforeAll(async () => {
  scratch = await scratchDatabase("notify");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
});

async function endpoint(
  teamId: string,
  name: string,
  events: string[],
  options: { format?: string; enabled?: boolean } = {},
) {
  return db.webhookEndpoint.create({
    data: {
      teamId,
      name,
      url: `https://hooks.example.com/${name}`,
      format: options.format ?? "generic",
      events: JSON.stringify(events),
      secret: secrets.seal("whsec_x"),
      enabled: options.enabled ?? true,
    },
  });
}

describe("notify", () => {
  it("queues one delivery per enabled, subscribed endpoint, in its format, and wakes the worker", async () => {
    const { team } = await teamWithApp(db);
    const generic = await endpoint(team.id, "generic", ["deployment.failed"]);
    const slack = await endpoint(team.id, "slack", ["deployment.failed", "incident.opened"], { format: "slack" });
    await endpoint(team.id, "other-event", ["incident.opened"]);
    await endpoint(team.id, "disabled", ["deployment.failed"], { enabled: false });
    const events = new EventEmitter<PortalEvents>();
    let woken = 0;
    events.on("notificationsQueued", () => {
      woken += 1;
    });

    const ids = await notify({ db, events, config }, team.id, {
      type: "deployment.failed",
      summary: "The deploy of shop failed: boom",
      path: "/apps/shop/deployments/d1",
      data: { reason: "boom" },
    });

    expect(ids).toHaveLength(2);
    expect(woken).toBe(1);
    const rows = await db.webhookDelivery.findMany({ where: { id: { in: ids } } });
    const byEndpoint = new Map(rows.map((row) => [row.endpointId, row]));
    expect([...byEndpoint.keys()].sort()).toEqual([generic.id, slack.id].sort());
    const envelope = JSON.parse(byEndpoint.get(generic.id)?.body ?? "{}");
    expect(envelope).toMatchObject({
      id: byEndpoint.get(generic.id)?.id,
      type: "deployment.failed",
      team: { id: team.id, name: team.name },
      link: "https://wheelhouse.example.com/apps/shop/deployments/d1",
      data: { reason: "boom" },
    });
    expect(JSON.parse(byEndpoint.get(slack.id)?.body ?? "{}")).toEqual({
      text: "The deploy of shop failed: boom <https://wheelhouse.example.com/apps/shop/deployments/d1|Open in Wheelhouse>",
    });
    expect(rows.every((row) => row.status === "pending" && row.attempts === 0)).toBe(true);
  });

  it("queues nothing, and wakes nobody, when no endpoint wants the event", async () => {
    const { team } = await teamWithApp(db);
    await endpoint(team.id, "elsewhere", ["incident.resolved"]);
    const events = new EventEmitter<PortalEvents>();
    let woken = 0;
    events.on("notificationsQueued", () => {
      woken += 1;
    });
    expect(await notify({ db, events, config }, team.id, { type: "incident.opened", summary: "x", data: {} })).toEqual(
      [],
    );
    expect(woken).toBe(0);
  });

  it("an incident a signal opens is told once; signals that join it tell nothing more", async () => {
    const { team, app } = await teamWithApp(db);
    const hook = await endpoint(team.id, "incidents", ["incident.opened"]);
    const events = new EventEmitter<PortalEvents>();
    const { metrics } = registryWithoutAgents();
    const signals = new SignalIntake({
      db,
      logger,
      metrics,
      events,
      notifier: createNotifier({ db, events, logger, config }),
    });
    const signal = {
      teamId: team.id,
      kind: "deployment.failed" as const,
      appId: app.id,
      hostId: null,
      reasonClass: "deployment",
      summary: `The deploy of ${app.name} failed: exited with code 3`,
      details: { environment: "production" },
    };
    const first = await signals.raise(signal);
    await signals.raise(signal);
    expect(first.outcome).toBe("opened");

    const rows = await db.webhookDelivery.findMany({ where: { endpointId: hook.id } });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.body ?? "{}")).toMatchObject({
      type: "incident.opened",
      link: `https://wheelhouse.example.com/incidents/${first.incidentId}`,
      data: { incident: { id: first.incidentId, number: 1, severity: "SEV2", appId: app.id }, source: "signal" },
    });
  });
});
