// A portal restart in the middle of an ACME order (issue 15, decision 041), with every real part:
// pebble, the agent's managed nginx, two portal processes on one database and secret key. The
// order is held mid-flight by a TCP gate in front of nginx's HTTP port, where pebble validates the
// challenge: the row is Pending with a lease while pebble waits on the held connection.
// - SIGTERM: the portal aborts the order and hands the row back at once (no lease, due now, still
//   Pending, an "interrupted" entry and no failure); the next portal orders it without waiting out
//   the lease, and nginx serves the certificate.
// - SIGKILL: nothing is handed back; the next portal takes the order up when the lease passes, and
//   the certificate goes Active without ever failing.
import { rmSync } from "node:fs";
import { connect } from "node:tls";
import type { CertificateDetail, Deployment } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { type PebbleServer, startPebble } from "../support/pebble.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { startTcpGate, type TcpGate } from "../support/tcp-gate.ts";
import { waitFor } from "../support/wait-for.ts";

/** The worker's lease (certificate-worker.ts LEASE_MS). */
const LEASE_MS = 60_000;

let portal: Portal;
let dataDir: string;
let host: TestHost;
let pebble: PebbleServer;
let gate: TcpGate;
let rest: RestClient;
let root = "";

async function certificate(domain: string): Promise<CertificateDetail> {
  const answer = await rest.call<{ certificate: CertificateDetail }>("GET", `/certificates/${domain}`);
  if (answer.status !== 200) throw new Error(`GET /certificates/${domain}: ${JSON.stringify(answer.body)}`);
  return answer.body.certificate;
}

/** Prisma's dates as either database driver returns them (a Date, epoch milliseconds, or text). */
function millis(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" || typeof value === "bigint") return Number(value);
  const text = String(value);
  return /^\d+$/.test(text) ? Number(text) : Date.parse(text.includes("T") ? text : `${text.replace(" ", "T")}Z`);
}

/** What the API does not show: the row's lease. */
async function row(domain: string): Promise<{ status: string; failures: number; lockedUntil: number | null }> {
  const [found] = await sql<{ status: string; failures: number | string; lockedUntil: unknown }>(
    portal.databaseUrl,
    `SELECT status, failures, "lockedUntil" FROM "Certificate" WHERE domain = $1`,
    [domain],
  );
  if (!found) throw new Error(`no certificate row for ${domain}`);
  return { status: found.status, failures: Number(found.failures), lockedUntil: millis(found.lockedUntil) };
}

/** Asks for the certificate with the gate holding pebble's validation; resolves with the row as the order waits. */
async function orderHeldMidFlight(domain: string) {
  gate.hold();
  const asked = await rest.call<{ certificate: CertificateDetail }>("POST", `/certificates/${domain}/issue`, {});
  expect(asked.status).toBe(200);
  await gate.whenHeld(30_000);
  return row(domain);
}

/** Stops the portal with `signal`; resolves with when it exited and the row it left behind. */
async function stopPortal(signal: "SIGTERM" | "SIGKILL", domain: string) {
  const stopped = portal;
  const exited = new Promise<number | null>((resolve) => stopped.process.once("exit", (code) => resolve(code)));
  stopped.process.kill(signal);
  const code = await exited;
  const exitedAt = Date.now();
  if (signal === "SIGTERM") expect(code).toBe(0);
  await stopped.stop({ keepData: true });
  return { exitedAt, left: await row(domain) };
}

/** Starts a portal on the previous one's port, database and data folder (so its secret key). */
async function restartPortal(): Promise<void> {
  const previous = portal;
  gate.open();
  portal = await startPortal({ dataDir, databaseUrl: previous.databaseUrl, port: previous.port });
}

/** Follows the certificate until Active; every status seen on the way is returned with it. */
async function followToActive(domain: string, timeoutMs: number) {
  const seen = new Set<string>();
  const active = await waitFor(
    async () => {
      const found = await certificate(domain);
      seen.add(found.status);
      return found;
    },
    { what: `${domain} to be Active`, timeoutMs, intervalMs: 250, until: (found) => found.status === "Active" },
  );
  return { active, seen: [...seen] };
}

/** The leaf nginx serves for `domain` on its HTTPS port, verified against pebble's root only. */
function servedLeaf(domain: string): Promise<{ authorized: boolean; serial: string; error: string | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port: host.httpsPort,
      servername: domain,
      ca: root,
      rejectUnauthorized: false,
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error("no TLS handshake within 10 s")));
    socket.once("secureConnect", () => {
      const leaf = socket.getPeerCertificate();
      resolve({
        authorized: socket.authorized,
        serial: leaf.serialNumber.toLowerCase().replace(/^0+/, ""),
        error: socket.authorizationError ? String(socket.authorizationError) : null,
      });
      socket.end();
    });
    socket.once("error", reject);
  });
}

function normalSerial(serial: string | null): string {
  return (serial ?? "").toLowerCase().replace(/^0+/, "");
}

async function expectServed(found: CertificateDetail): Promise<void> {
  const served = await waitFor(() => servedLeaf(found.domain), {
    what: `nginx to serve the certificate of ${found.domain}`,
    timeoutMs: 20_000,
    until: (leaf) => leaf.authorized && leaf.serial === normalSerial(found.serial),
  });
  expect(served.error).toBeNull();
}

const startedAt = (found: CertificateDetail) =>
  found.events.filter((event) => event.kind === "order-started").map((event) => Date.parse(event.at));

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  await ensureTestAppImage("v1");
  portal = await startPortal();
  dataDir = portal.dataDir;
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "restart-host");
  gate = await startTcpGate(host.nginxPort);
  pebble = await startPebble({ httpPort: gate.port });
  root = await pebble.rootPem();
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  const saved = await rest.call("PUT", "/acme-settings", {
    directoryUrl: pebble.directoryUrl,
    caBundlePem: pebble.caBundlePem,
    email: "ops@example.com",
  });
  if (saved.status !== 200) throw new Error(`could not save the ACME settings: ${JSON.stringify(saved.body)}`);
  const created = await rest.call("POST", "/apps", {
    name: "restart-shop",
    image: testAppImage("v1"),
    port: 8080,
    hosts: [host.id],
    domains: ["term.test", "kill.test"],
    pullPolicy: "never",
  });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/restart-shop/deployments", {});
  const live = await waitForDeployment(rest, started.body.deployment.id);
  if (live.status !== "Live") throw new Error(`restart-shop did not go live: ${live.failureReason}`);
}, 180_000);

afterAll(async () => {
  await removeAppContainers();
  await host?.tearDown();
  await pebble?.stop();
  await gate?.close();
  await portal?.stop();
  // Restarted portals were given the first one's folder, so stop() leaves it: removed here.
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("a portal restart during an ACME order", () => {
  it("SIGTERM: the order is handed back at once, not failed, and the next portal issues it without waiting out the lease", async () => {
    const during = await orderHeldMidFlight("term.test");
    // Mid-order for real: Pending, claimed by a lease that has not passed.
    expect(during.status).toBe("Pending");
    expect(during.lockedUntil).not.toBeNull();
    expect(during.lockedUntil ?? 0).toBeGreaterThan(Date.now());

    const { left } = await stopPortal("SIGTERM", "term.test");
    expect(left).toEqual({ status: "Pending", failures: 0, lockedUntil: null });
    const between = await sqlDetail("term.test");
    expect(between.kinds).toContain("interrupted");
    expect(between.kinds).not.toContain("failed");
    expect(between.nextAttemptAt ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(Date.now());

    await restartPortal();
    const { active, seen } = await followToActive("term.test", 45_000);
    expect(seen.filter((status) => status !== "Pending" && status !== "Active")).toEqual([]);
    // The second order began before the first one's lease would have let anyone take it up.
    const [firstStart, secondStart] = startedAt(active).sort((a, b) => a - b);
    expect(secondStart).toBeDefined();
    expect(secondStart ?? Number.POSITIVE_INFINITY).toBeLessThan(during.lockedUntil ?? 0);
    expect(firstStart).toBeDefined();
    expect(active.failures).toBe(0);
    expect(active.error).toBeNull();
    const kinds = active.events.map((event) => event.kind);
    expect(kinds).toContain("interrupted");
    expect(kinds).toContain("issued");
    expect(kinds).not.toContain("failed");
    await expectServed(active);
  }, 90_000);

  it("SIGKILL: nothing is handed back; the next portal takes the order up when the lease passes and issues it", async () => {
    const during = await orderHeldMidFlight("kill.test");
    expect(during.status).toBe("Pending");
    expect(during.lockedUntil ?? 0).toBeGreaterThan(Date.now());

    const { exitedAt, left } = await stopPortal("SIGKILL", "kill.test");
    // A killed portal writes nothing: the lease stands, and keeps another portal off the order.
    expect(left).toEqual({ status: "Pending", failures: 0, lockedUntil: during.lockedUntil });

    await restartPortal();
    const { active, seen } = await followToActive("kill.test", LEASE_MS + 30_000);
    expect(Date.now() - exitedAt).toBeLessThan(LEASE_MS + 15_000);
    expect(seen.filter((status) => status !== "Pending" && status !== "Active")).toEqual([]);
    const [, secondStart] = startedAt(active).sort((a, b) => a - b);
    expect(secondStart ?? 0).toBeGreaterThanOrEqual((during.lockedUntil ?? 0) - 1_000);
    expect(active.failures).toBe(0);
    const kinds = active.events.map((event) => event.kind);
    expect(kinds).toContain("issued");
    expect(kinds).not.toContain("failed");
    expect(kinds).not.toContain("interrupted");
    await expectServed(active);
  }, 120_000);
});

/** The history kinds and next attempt as the database holds them while no portal runs. */
async function sqlDetail(domain: string): Promise<{ kinds: string[]; nextAttemptAt: number | null }> {
  const [found] = await sql<{ id: string; nextAttemptAt: unknown }>(
    portal.databaseUrl,
    `SELECT id, "nextAttemptAt" FROM "Certificate" WHERE domain = $1`,
    [domain],
  );
  if (!found) throw new Error(`no certificate row for ${domain}`);
  const events = await sql<{ kind: string }>(
    portal.databaseUrl,
    `SELECT kind FROM "CertificateEvent" WHERE "certificateId" = $1`,
    [found.id],
  );
  return { kinds: events.map((event) => event.kind), nextAttemptAt: millis(found.nextAttemptAt) };
}
