// /metrics must be valid Prometheus text: `promtool check metrics` (Debian's prometheus package) is the judge.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";

// Prometheus sends it from a scrape job's `authorization: { credentials: … }` block.
const METRICS_TOKEN = "scrape-token-0123456789abcdef";
const scrape = (path = "/metrics") =>
  fetch(`${portal.url}${path}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal({ env: { METRICS_TOKEN } });
});
afterAll(async () => {
  await portal?.stop();
});

describe("/metrics", () => {
  it("passes promtool and reports requests, durations and active sessions", async () => {
    await setUpAdmin(portal.url);
    await fetch(`${portal.url}/health`);
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();

    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(check.error, "promtool must be installed (Debian package prometheus; npm test installs it)").toBeUndefined();
    expect(`${check.stdout}${check.stderr}`).toBe("");
    expect(check.status).toBe(0);

    expect(text).toMatch(/^wheelhouse_http_requests_total\{method="GET",route="\/health",status="200"\} [1-9]/m);
    expect(text).toMatch(
      /^wheelhouse_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health",status="200"\}/m,
    );
    expect(text).toMatch(/^wheelhouse_sessions_active 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });

  it("keeps route labels bounded whatever path is asked for", async () => {
    await fetch(`${portal.url}/some/random/path/${Date.now()}`);
    const text = await (await scrape()).text();
    expect(text).not.toMatch(/route="\/some/);
    expect(text).toMatch(/route="page"/);
  });

  it("answers 401 with a Bearer challenge without METRICS_TOKEN, and audits the refusals as one event", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer not-the-token" },
      { authorization: `Basic ${METRICS_TOKEN}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${portal.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
      const text = await res.text();
      expect(text).toMatch(/Authorization: Bearer <METRICS_TOKEN>/);
      expect(text).not.toMatch(/wheelhouse_/);
    }
    const rows = await sql<{ outcome: string; ip: string }>(
      portal.databaseUrl,
      `SELECT outcome, ip FROM "AuditEvent" WHERE action = 'metrics.scrape'`,
    );
    expect(rows).toEqual([{ outcome: "denied", ip: "127.0.0.1" }]);
  });
});
