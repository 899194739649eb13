// The worker's shutdown on a real SQLite database (decision 041): an order under way when the
// portal stops is aborted and its row handed back at once — no lease, due now, its status kept, an
// "interrupted" entry, no failure counted — and stop() does not wait for the order to notice. No
// agent can connect in a unit test, so the orders here wait for the app's host to reconnect (as just
// after a restart) and are stopped there; the abort inside an ACME order is covered with pebble by
// tests/integration/certificate-restart.int.test.ts.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { NginxSync } from "../deployments/nginx-sync";
import { AgentRegistry } from "../hosts/agent-registry";
import type { PortalEvents } from "../services";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { createAccountKey, orderCertificate } from "./acme-order";
import { CertificateWorker, type CertificateWorkerServices } from "./certificate-worker";

let scratch: ScratchDatabase;
let db: Db;
const logged: string[] = [];
const signalled: unknown[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase("cert-worker");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
});

/** A worker whose agents are "reconnecting" for a minute: an order waits for the app's host. */
function worker(): CertificateWorker {
  const { metrics } = registryWithoutAgents();
  const agents = new AgentRegistry(metrics, { reconnectWindowMs: 60_000 });
  const secrets = createSecretBox(randomBytes(32));
  const services = {
    db,
    agents,
    secrets,
    events: new EventEmitter<PortalEvents>(),
    logger: pino({ level: "info" }, { write: (line: string) => void logged.push(line) }),
    nginx: new NginxSync(db, agents, secrets),
    config: {
      certRetryInitialMs: 300_000,
      acme: { directoryUrl: "https://127.0.0.1:9/directory", caBundleFile: undefined, email: undefined },
    } as unknown as CertificateWorkerServices["config"],
    signals: {
      raise: async (signal: unknown) => {
        signalled.push(signal);
        return { outcome: "ignored" };
      },
    } as unknown as CertificateWorkerServices["signals"],
  } satisfies CertificateWorkerServices;
  return new CertificateWorker({ services, order: orderCertificate, makeAccountKey: createAccountKey });
}

async function certificate(status: "Pending" | "Active") {
  const { team, app } = await teamWithApp(db, { domains: [`${randomBytes(4).toString("hex")}.test`] });
  const now = Date.now();
  return db.certificate.create({
    data: {
      teamId: team.id,
      appId: app.id,
      domain: app.domains[0] ?? "",
      source: "acme",
      status,
      nextAttemptAt: status === "Pending" ? new Date(now - 1_000) : null,
      renewAt: status === "Active" ? new Date(now - 1_000) : null,
      ...(status === "Active"
        ? { fullChainPem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----", keyPem: "sealed" }
        : {}),
    },
  });
}

async function waitUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const history = async (certificateId: string) =>
  (await db.certificateEvent.findMany({ where: { certificateId }, orderBy: { id: "asc" } })).map((e) => e.kind);

describe("the certificate worker at shutdown", () => {
  it("hands an order under way back at once: Pending, no lease, due now, interrupted, not failed", async () => {
    const row = await certificate("Pending");
    const running = worker();
    running.start();
    const claimed = await waitUntil(
      async () => db.certificate.findUniqueOrThrow({ where: { id: row.id } }),
      (found) => found.lockedUntil !== null,
      "the order to be claimed",
    );
    expect(claimed.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    await waitUntil(
      () => history(row.id),
      (kinds) => kinds.includes("order-started"),
      "the order to start",
    );

    const began = Date.now();
    await running.stop();
    // Not the reconnect window (a minute), nor the lease: the abort ends the wait.
    expect(Date.now() - began).toBeLessThan(1_500);
    const after = await db.certificate.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("Pending");
    expect(after.lockedUntil).toBeNull();
    expect(after.failures).toBe(0);
    expect(after.errorType).toBeNull();
    expect(after.nextAttemptAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(after.nextAttemptAt?.getTime()).toBeGreaterThanOrEqual(began - 1);
    expect(await history(row.id)).toEqual(["order-started", "interrupted"]);
    expect(signalled).toEqual([]);
    expect(logged.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });

  it("keeps a renewal Renewing and due, so the next start (or another portal) renews it", async () => {
    const row = await certificate("Active");
    const running = worker();
    running.start();
    const claimed = await waitUntil(
      async () => db.certificate.findUniqueOrThrow({ where: { id: row.id } }),
      (found) => found.lockedUntil !== null,
      "the renewal to be claimed",
    );
    expect(claimed.status).toBe("Renewing");
    // Due while it runs too: a crash (no hand-back) leaves it claimable once the lease passes.
    expect(claimed.nextAttemptAt?.getTime()).toBeLessThanOrEqual(Date.now());
    await waitUntil(
      () => history(row.id),
      (kinds) => kinds.includes("renewal-started"),
      "the renewal to start",
    );

    await running.stop();
    const after = await db.certificate.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("Renewing");
    expect(after.lockedUntil).toBeNull();
    expect(after.failures).toBe(0);
    expect(after.fullChainPem).toBe(row.fullChainPem);
    expect(await history(row.id)).toEqual(["renewal-started", "interrupted"]);

    // A new worker takes it up at once, as the next portal would.
    const next = worker();
    next.start();
    const again = await waitUntil(
      async () => db.certificate.findUniqueOrThrow({ where: { id: row.id } }),
      (found) => found.lockedUntil !== null,
      "the renewal to be claimed again",
    );
    expect(again.status).toBe("Renewing");
    await next.stop();
    expect(signalled).toEqual([]);
  });
});
