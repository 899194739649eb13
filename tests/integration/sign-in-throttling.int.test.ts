// Sign-in and enrolment throttling that holds under concurrency, the client address behind a proxy,
// and refused attempts audited as one event per address and window with a count (issue 9, items
// 3 and 6). Two real portals: one trusting no proxy (the default), one with TRUSTED_PROXIES=127.0.0.1
// so the tests can stand in for a reverse proxy by sending X-Forwarded-For from loopback.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_FACTS } from "../support/agents.ts";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";

const ATTEMPTS = 50;
/** sign-in-limiter.ts: failed attempts per account and address in a window. */
const ACCOUNT_LIMIT = 5;
/** enroll-limiter.ts: enrolment attempts per address in a window. */
const ENROLL_LIMIT = 10;

let direct: Portal;
let proxied: Portal;
let directAdmin: ApiClient;
let proxiedAdmin: ApiClient;
let teamId: string;
const stopped = new Set<Portal>();

beforeAll(async () => {
  [direct, proxied] = await Promise.all([startPortal(), startPortal({ env: { TRUSTED_PROXIES: "127.0.0.1" } })]);
  [directAdmin, proxiedAdmin] = await Promise.all([setUpAdmin(direct.url), setUpAdmin(proxied.url)]);
  const status = await directAdmin.query<{ user: { team: { id: string } } }>("auth.status");
  teamId = status.data?.user.team.id ?? "";
  expect(teamId).not.toBe("");
});
afterAll(async () => {
  for (const portal of [direct, proxied]) {
    if (portal && !stopped.has(portal)) await portal.stop();
  }
});

async function addViewer(admin: ApiClient, email: string, password: string) {
  const created = await admin.mutate("users.create", { email, name: email.split("@")[0], password, role: "viewer" });
  expect(created.status, JSON.stringify(created.error)).toBe(200);
}

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function signInFrom(portal: Portal, email: string, password: string, forwardedFor?: string) {
  const res = await fetch(`${portal.url}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, cookie: res.headers.get("set-cookie") };
}

interface AuditRow {
  action: string;
  outcome: string;
  actorEmail: string | null;
  teamId: string | null;
  ip: string | null;
  details: string;
}

async function auditRows(portal: Portal, where: string, params: unknown[]): Promise<AuditRow[]> {
  return sql<AuditRow>(
    portal.databaseUrl,
    `SELECT action, outcome, "actorEmail", "teamId", ip, details FROM "AuditEvent" WHERE ${where} ORDER BY id`,
    params,
  );
}

/** Refusals an address's rows stand for: one each, plus the count a "repeated" row carries. */
function refusalsCounted(rows: AuditRow[]): number {
  return rows.reduce((sum, row) => {
    const details = JSON.parse(row.details) as { repeated?: number };
    return sum + (details.repeated ?? 1);
  }, 0);
}

describe("sign-in under concurrency", () => {
  it("verifies at most the limit of 50 wrong passwords sent in one tRPC batch, and refuses the rest", async () => {
    const email = "batch@example.com";
    await addViewer(directAdmin, email, "batch-password-1");
    const paths = Array.from({ length: ATTEMPTS }, () => "auth.signIn").join(",");
    const body = Object.fromEntries(
      Array.from({ length: ATTEMPTS }, (_, i) => [String(i), { email, password: `wrong-guess-${i}` }]),
    );
    const res = await fetch(`${direct.url}/api/trpc/${paths}?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const results = (await res.json()) as { error?: { message: string; data: { httpStatus: number } } }[];
    expect(results).toHaveLength(ATTEMPTS);
    const statuses = results.map((result) => result.error?.data.httpStatus ?? 200);
    expect(tally(statuses)).toEqual({ 401: ACCOUNT_LIMIT, 429: ATTEMPTS - ACCOUNT_LIMIT });
    expect(results.find((r) => r.error?.data.httpStatus === 429)?.error?.message).toMatch(
      /^Too many failed sign-in attempts\. Try again in \d+ minutes?\.$/,
    );

    // The right password is refused too: the window is used up, not just the wrong guesses.
    expect((await signInFrom(direct, email, "batch-password-1")).status).toBe(429);
  });

  it("verifies at most the limit of 50 parallel REST logins (the CLI's path), and mints no key", async () => {
    const email = "rest@example.com";
    await addViewer(directAdmin, email, "rest-password-1");
    const statuses = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) =>
        fetch(`${direct.url}/api/v1/auth/api-keys/password`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password: `wrong-guess-${i}`, name: `guess ${i}` }),
        }).then((res) => res.status),
      ),
    );
    expect(tally(statuses)).toEqual({ 401: ACCOUNT_LIMIT, 429: ATTEMPTS - ACCOUNT_LIMIT });
    const keys = await sql<{ n: number }>(
      direct.databaseUrl,
      `SELECT COUNT(*) AS n FROM "ApiKey" k JOIN "User" u ON u.id = k."userId" WHERE u.email = $1`,
      [email],
    );
    expect(Number(keys[0]?.n)).toBe(0);
  });

  it("audits the 50 refusals of one address as one event per outcome, about the account and its team", async () => {
    const rows = await auditRows(direct, `action = 'session.create' AND "actorEmail" = $1`, ["batch@example.com"]);
    // One failure (the first wrong password) and one denial (the first rate-limited attempt); the
    // other 48 are counted and written when the window closes (checked after shutdown below).
    // Which comes first is a race: refusals are answered before any password check finishes.
    expect(rows.map((row) => row.outcome).sort()).toEqual(["denied", "failure"]);
    for (const row of rows) {
      expect(row.teamId).toBe(teamId);
      expect(row.ip).toBe("127.0.0.1");
    }
    const denied = rows.find((row) => row.outcome === "denied");
    expect(JSON.parse(denied?.details ?? "{}")).toMatchObject({ reason: "rate_limited" });
  });
});

describe("the client address", () => {
  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const email = "spoof@example.com";
    await addViewer(directAdmin, email, "spoof-password-1");
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect((await signInFrom(direct, email, `wrong-${i}`, `203.0.113.${i + 1}`)).status).toBe(401);
    }
    // A new claimed address does not buy new guesses: the portal sees 127.0.0.1 throughout.
    expect((await signInFrom(direct, email, "spoof-password-1", "198.51.100.99")).status).toBe(429);
    const rows = await auditRows(direct, `"actorEmail" = $1`, [email]);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((row) => row.ip))).toEqual(new Set(["127.0.0.1"]));
  });

  it("limits two clients behind a trusted proxy separately, and records each one's address", async () => {
    const email = "proxied@example.com";
    await addViewer(proxiedAdmin, email, "proxied-password-1");
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signInFrom(proxied, email, `wrong-${i}`, "203.0.113.7").then((r) => r.status),
      ),
    );
    expect(tally(statuses)).toEqual({ 401: ACCOUNT_LIMIT, 429: 20 - ACCOUNT_LIMIT });
    // Whatever a client writes in front of the proxy's entry, the proxy's entry decides.
    expect((await signInFrom(proxied, email, "proxied-password-1", "192.0.2.1, 203.0.113.7")).status).toBe(429);

    const other = await signInFrom(proxied, email, "proxied-password-1", "203.0.113.8");
    expect(other.status).toBe(200);
    expect(other.cookie).toMatch(/HttpOnly/i);
    const sessions = await sql<{ ip: string }>(
      proxied.databaseUrl,
      `SELECT s.ip FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
      [email],
    );
    expect(sessions.map((s) => s.ip)).toEqual(["203.0.113.8"]);

    const refused = await auditRows(proxied, `"actorEmail" = $1 AND outcome <> 'success'`, [email]);
    expect(new Set(refused.map((row) => row.ip))).toEqual(new Set(["203.0.113.7"]));
    const signedIn = await auditRows(proxied, `"actorEmail" = $1 AND outcome = 'success'`, [email]);
    expect(signedIn.map((row) => row.ip)).toEqual(["203.0.113.8"]);
  });
});

describe("enrolment", () => {
  async function enroll(token: string, forwardedFor: string) {
    const res = await fetch(`${proxied.url}/api/agent/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify({ token, version: "test", facts: SAMPLE_FACTS }),
    });
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  }

  it("limits token guesses per address, charged before the token is looked up", async () => {
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => enroll(`guessed-token-${String(i).padStart(4, "0")}`, "203.0.113.20")),
    );
    expect(tally(guesses.map((g) => g.status))).toEqual({ 401: ENROLL_LIMIT, 429: 20 - ENROLL_LIMIT });
    expect(guesses.find((g) => g.status === 429)?.body.error?.message).toMatch(
      /^Too many enrolment attempts from this address\. Try again in \d+ minutes?\.$/,
    );

    // A real token from the refused address waits too; from another address it enrols.
    const created = await proxiedAdmin.mutate<{ token: string }>("hosts.createEnrollment", { name: "limited-host" });
    const token = created.data?.token ?? "";
    expect((await enroll(token, "203.0.113.20")).status).toBe(429);
    expect((await enroll(token, "203.0.113.21")).status).toBe(200);

    const rows = await auditRows(proxied, `action = 'hosts.enroll' AND outcome = 'denied'`, []);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ip: "203.0.113.20", teamId: null });
  });
});

describe("on shutdown", () => {
  it("writes the counts of open windows, so every refusal is accounted for", async () => {
    for (const portal of [direct, proxied]) {
      await portal.stop({ keepData: true });
      stopped.add(portal);
    }
    try {
      const batch = await auditRows(direct, `action = 'session.create' AND "actorEmail" = $1`, ["batch@example.com"]);
      // failure, denied, then at shutdown "failure repeated 4" and "denied repeated 45" (44 of the
      // batch and the right password that came after it).
      expect(batch.map((row) => row.outcome).sort()).toEqual(["denied", "denied", "failure", "failure"]);
      expect(refusalsCounted(batch)).toBe(ATTEMPTS + 1);
      const repeats = batch.slice(2).map((row) => JSON.parse(row.details) as Record<string, unknown>);
      expect(repeats.map((details) => details.repeated).sort()).toEqual([4, 45]);
      const repeated = repeats.find((details) => details.repeated === 45) ?? {};
      expect(repeated).toMatchObject({ repeated: ATTEMPTS - ACCOUNT_LIMIT, reasons: { rate_limited: 45 } });
      expect(String(repeated.summary)).toMatch(/^repeated 45 more times since /);
      expect(batch.every((row) => row.teamId === teamId)).toBe(true);

      const rest = await auditRows(direct, `action = 'session.create' AND "actorEmail" = $1`, ["rest@example.com"]);
      expect(rest).toHaveLength(4);
      expect(refusalsCounted(rest)).toBe(ATTEMPTS);

      const enrolments = await auditRows(proxied, `action = 'hosts.enroll' AND outcome = 'denied'`, []);
      expect(enrolments).toHaveLength(2);
      expect(refusalsCounted(enrolments)).toBe(21);
    } finally {
      for (const portal of [direct, proxied]) rmSync(portal.dataDir, { recursive: true, force: true });
    }
  });
});
