// Outgoing webhooks (issue 14, item 5) against a real portal and a receiver on loopback: a test
// arrives signed; incidents opened and resolved, and a failed deployment, send their events; a
// receiver answering 500 is retried with growing delays; and with the receiver DOWN and the portal
// killed with SIGKILL, a restarted portal on the same database and secret key delivers every queued
// notification once, its log showing the failed attempts and the final 2xx. Nothing is mocked.
import { rmSync } from "node:fs";
import type { Deployment } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";

interface Endpoint {
  id: string;
  url: string;
  enabled: boolean;
  lastDelivery: { status: string; statusCode: number | null } | null;
}
interface Attempt {
  at: string;
  statusCode: number | null;
  error: string | null;
}
interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  attemptLog: Attempt[];
}

const EVENTS = ["webhook.test", "incident.opened", "incident.resolved", "deployment.failed"];

let portal: Portal;
let dataDir: string;
let admin: ApiClient;
let rest: RestClient;
const receiver = new WebhookReceiver();
let endpointId: string;

async function deliveries(): Promise<Delivery[]> {
  const page = await rest.call<{ deliveries: Delivery[] }>("GET", `/webhooks/${endpointId}/deliveries?limit=100`);
  if (page.status !== 200) throw new Error(JSON.stringify(page.body));
  return page.body.deliveries;
}

async function sendTest(): Promise<string> {
  const sent = await rest.call<{ deliveryId: string }>("POST", `/webhooks/${endpointId}/test`, {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return sent.body.deliveryId;
}

async function openIncident(title: string): Promise<string> {
  const opened = await admin.mutate<{ incident: { id: string } }>("incidents.open", { title, severity: "SEV3" });
  if (!opened.data) throw new Error(JSON.stringify(opened.error));
  return opened.data.incident.id;
}

function arrived(id: string, timeoutMs = 20_000) {
  return waitFor(() => receiver.unique().get(id), { what: `delivery ${id} at the receiver`, timeoutMs });
}

beforeAll(async () => {
  await receiver.start();
  portal = await startPortal({ env: { WEBHOOK_RETRY_INITIAL_SECONDS: "1" } });
  dataDir = portal.dataDir;
  admin = await setUpAdmin(portal.url);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  // The path and query stand for what makes a Slack URL a credential: no answer or audit shows them.
  const created = await rest.call<{ endpoint: Endpoint; secret: string }>("POST", "/webhooks", {
    name: "Loopback receiver",
    url: `${receiver.url}?key=url-secret-123`,
    format: "generic",
    events: EVENTS,
  });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  endpointId = created.body.endpoint.id;
  expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  receiver.setSecret(created.body.secret);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
  // A restarted portal was given its folder, so stop() leaves it: removed here.
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await receiver.stop();
});

describe("outgoing webhooks", () => {
  it("a test arrives signed; the list shows the URL's origin only; no secret in the audit log", async () => {
    const id = await sendTest();
    const delivery = await arrived(id);
    expect(delivery.verified).toBe(true);
    expect(delivery.event).toBe("webhook.test");
    expect(delivery.json).toMatchObject({ id, type: "webhook.test", team: { name: ADMIN.teamName } });
    expect(Math.abs(Number(delivery.timestamp) - Date.now() / 1_000)).toBeLessThan(60);

    const log = await waitFor(deliveries, {
      what: "the test delivered in the log",
      timeoutMs: 10_000,
      until: (list) => list.find((d) => d.id === id)?.status === "delivered",
    });
    expect(log.find((d) => d.id === id)).toMatchObject({ attempts: 1, lastStatusCode: 200 });
    const listed = await rest.call<{ endpoints: Endpoint[] }>("GET", "/webhooks");
    expect(listed.body.endpoints).toEqual([
      expect.objectContaining({ id: endpointId, url: `http://127.0.0.1:${receiver.port}/…`, enabled: true }),
    ]);
    expect(listed.body.endpoints[0]?.lastDelivery).toMatchObject({ status: "delivered", statusCode: 200 });

    const audit = await sql<{ action: string; details: string }>(
      portal.databaseUrl,
      "SELECT action, details FROM \"AuditEvent\" WHERE action LIKE 'webhooks.%' ORDER BY id",
    );
    expect(audit.map((event) => event.action)).toEqual(["webhooks.create", "webhooks.test"]);
    const secret = (await sql<{ secret: string }>(portal.databaseUrl, 'SELECT secret FROM "WebhookEndpoint"'))[0];
    for (const event of audit) {
      expect(event.details).not.toContain("url-secret-123");
      expect(event.details).not.toContain("/hook");
      expect(event.details).not.toContain("whsec_");
    }
    // Sealed at rest: the stored secret is not the one answered.
    expect(secret?.secret).toMatch(/^v1:/);
    expect(JSON.stringify(portal.logs)).not.toContain("url-secret-123");
  });

  it("an incident opened and resolved by hand sends incident.opened and incident.resolved", async () => {
    const incidentId = await openIncident("Checkout is slow");
    const opened = await waitFor(() => receiver.ofEvent("incident.opened"), {
      what: "incident.opened at the receiver",
      timeoutMs: 20_000,
      until: (list) => list.length === 1,
    });
    expect(opened[0]?.verified).toBe(true);
    expect(opened[0]?.json).toMatchObject({
      type: "incident.opened",
      summary: expect.stringContaining("Checkout is slow"),
      link: `${portal.url}/incidents/${incidentId}`,
      data: { incident: { id: incidentId, severity: "SEV3" }, openedBy: ADMIN.email },
    });
    const resolved = await admin.mutate("incidents.update", { id: incidentId, status: "Resolved" });
    expect(resolved.status, JSON.stringify(resolved.error)).toBe(200);
    const sent = await waitFor(() => receiver.ofEvent("incident.resolved"), {
      what: "incident.resolved at the receiver",
      timeoutMs: 20_000,
      until: (list) => list.length === 1,
    });
    expect(sent[0]?.json).toMatchObject({ data: { incident: { id: incidentId }, resolvedBy: ADMIN.email } });
  });

  it("a failed deployment sends deployment.failed", async () => {
    // A host whose agent never connects: the deployment fails, as it would with its agent gone.
    const hostId = await enrollHostRow(admin, portal.url, "webhook-host");
    const app = await rest.call("POST", "/apps", {
      name: "notify-shop",
      image: "registry.example.com/team/shop:1",
      pullPolicy: "never",
      port: 8080,
      hosts: [hostId],
    });
    expect(app.status, JSON.stringify(app.body)).toBe(200);
    const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/notify-shop/deployments", {});
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const failed = await waitFor(() => receiver.ofEvent("deployment.failed"), {
      what: "deployment.failed at the receiver",
      timeoutMs: 60_000,
      until: (list) => list.length === 1,
      intervalMs: 250,
    });
    expect(failed[0]?.verified).toBe(true);
    expect(failed[0]?.json).toMatchObject({
      type: "deployment.failed",
      data: { app: { name: "notify-shop" }, deployment: { id: started.body.deployment.id } },
    });
  }, 90_000);

  it("a receiver answering 500 is retried with growing delays until it answers 200", async () => {
    receiver.status = 500;
    const id = await sendTest();
    await waitFor(() => receiver.received.filter((d) => d.id === id).length, {
      what: "four attempts answered 500",
      timeoutMs: 30_000,
      until: (count) => count >= 4,
      intervalMs: 50,
    });
    receiver.status = 200;
    const done = await waitFor(deliveries, {
      what: "the retried delivery delivered",
      timeoutMs: 30_000,
      until: (list) => list.find((d) => d.id === id)?.status === "delivered",
      intervalMs: 250,
    });
    const attempts = done.find((d) => d.id === id)?.attemptLog ?? [];
    expect(attempts.slice(0, 4).map((a) => a.statusCode)).toEqual([500, 500, 500, 500]);
    expect(attempts.at(-1)?.statusCode).toBe(200);
    // WEBHOOK_RETRY_INITIAL_SECONDS=1: waits of at least 1, 2 and 4 s (the worker looks every 1.5 s).
    const at = attempts.map((a) => Date.parse(a.at));
    const gaps = at.slice(1).map((time, i) => time - (at[i] ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(4_000);
    expect(gaps[2] ?? 0).toBeGreaterThan(gaps[0] ?? 0);
    // Each attempt was signed afresh and verifies.
    expect(receiver.received.filter((d) => d.id === id).every((d) => d.verified)).toBe(true);
  }, 70_000);

  it("receiver down, portal killed with SIGKILL, both back: every delivery arrives once, signed", async () => {
    await receiver.stop();
    const before = receiver.received.length;
    const ids = [await sendTest(), await sendTest()];
    await openIncident("Queue backs up");
    await openIncident("Disk fills");
    await sendTest();
    const queued = await waitFor(deliveries, {
      what: "every queued delivery tried at least once against the stopped receiver",
      timeoutMs: 20_000,
      until: (list) => list.filter((d) => d.status === "pending" && d.attempts >= 1).length === 5,
      intervalMs: 200,
    });
    const pending = queued.filter((d) => d.status === "pending");
    for (const d of pending) expect(d.attemptLog[0]?.error).toMatch(/Connection refused/);
    expect(pending.map((d) => d.id)).toEqual(expect.arrayContaining(ids));

    const killed = portal;
    const exited = new Promise((resolve) => killed.process.once("exit", resolve));
    killed.process.kill("SIGKILL");
    await exited;
    await killed.stop({ keepData: true });
    portal = await startPortal({
      dataDir,
      databaseUrl: killed.databaseUrl,
      port: killed.port,
      env: { WEBHOOK_RETRY_INITIAL_SECONDS: "1" },
    });
    await receiver.start();

    const final = await waitFor(deliveries, {
      what: "every delivery queued before the kill delivered by the restarted portal",
      timeoutMs: 60_000,
      until: (list) => pending.every((p) => list.find((d) => d.id === p.id)?.status === "delivered"),
      intervalMs: 250,
    });
    const arrivals = receiver.received.slice(before);
    for (const p of pending) {
      const copies = arrivals.filter((d) => d.id === p.id);
      expect(copies, `delivery ${p.id} arrives exactly once`).toHaveLength(1);
      expect(copies[0]?.verified).toBe(true);
      const logged = final.find((d) => d.id === p.id);
      const attempts = logged?.attemptLog ?? [];
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts.slice(0, -1).every((a) => a.statusCode === null && a.error)).toBe(true);
      expect(attempts.at(-1)?.statusCode).toBe(200);
      expect(logged?.attempts).toBe(attempts.length);
    }
    expect(arrivals.filter((d) => d.event === "incident.opened").map((d) => d.json.summary)).toEqual(
      expect.arrayContaining([expect.stringContaining("Queue backs up"), expect.stringContaining("Disk fills")]),
    );
  }, 120_000);
});
