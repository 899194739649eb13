// The audit log's streamed export against a real portal (issue 14): JSON lines and CSV hold exactly
// what audit.list's pages hold; CSV survives commas, quotes and newlines and defuses cells that look
// like formulas; viewers and API keys may export, nobody else, and a bad filter is a 400 with a
// sentence; the export audits itself; a client that goes away stops the reading.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_CSV_COLUMNS, type AuditEventView } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { AuditFixture, AWKWARD_ACTOR, FORMULAS, parseCsv } from "../support/audit-events.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let admin: ApiClient;
let viewer: ApiClient;
let audit: AuditFixture;
const VIEWER = { email: "viewer@example.com", password: "viewer-password-12" };

async function exportFrom(client: ApiClient | null, query: string) {
  return fetch(`${portal.url}/api/v1/audit/export?${query}`, {
    headers: client?.cookie ? { cookie: client.cookie } : {},
  });
}

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const created = await admin.mutate("users.create", { ...VIEWER, name: "Vera Viewer", role: "viewer" });
  if (created.status !== 200) throw new Error(`could not create the viewer: ${JSON.stringify(created.error)}`);
  viewer = new ApiClient(portal.url);
  if ((await viewer.signIn(VIEWER.email, VIEWER.password)).status !== 200) throw new Error("viewer sign-in failed");
  audit = await AuditFixture.forPortal(portal, admin);
  await audit.seedStandardEvents();
});
afterAll(async () => {
  await portal?.stop();
});

describe("audit export", () => {
  it("streams JSON lines equal to the pages, and audits itself", async () => {
    const res = await exportFrom(viewer, "format=jsonl");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/jsonl/);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="wheelhouse-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const text = await res.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as AuditEventView);
    // Pages read after the export: it wrote its own event first, so both include it.
    expect(lines).toEqual(await audit.allPages({}, 50));
    expect(lines[0]).toMatchObject({
      action: "audit.export",
      outcome: "success",
      actorEmail: VIEWER.email,
      details: { format: "jsonl", filters: {} },
    });
  });

  it("streams CSV equal to the pages, quoting commas, quotes and newlines and defusing formulas", async () => {
    const res = await exportFrom(admin, "format=csv&action=apps.*&outcome=success");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/filename="wheelhouse-audit-\d{4}-\d{2}-\d{2}\.csv"/);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    const events = await audit.allPages({ action: "apps.*", outcome: "success" });
    expect(rows.length).toBe(events.length);
    const column = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => AUDIT_CSV_COLUMNS.indexOf(name);
    rows.forEach((row, i) => {
      const event = events[i];
      if (!event) throw new Error(`no page event for CSV row ${i}`);
      expect(row).toHaveLength(AUDIT_CSV_COLUMNS.length);
      expect(Number(row[column("id")])).toBe(event.id);
      expect(row[column("at")]).toBe(event.at);
      expect(row[column("action")]).toBe(event.action);
      expect(row[column("outcome")]).toBe(event.outcome);
      expect(JSON.parse(row[column("details")] ?? "")).toEqual(event.details);
      for (const name of ["actorEmail", "targetId", "ip", "teamId"] as const) {
        const value = event[name];
        const defused = value !== null && /^[=+\-@]/.test(value) ? `'${value}` : (value ?? "");
        expect(row[column(name)], `${name} of event ${event.id}`).toBe(defused);
      }
    });
    const awkward = rows.find((row) => row[column("targetId")] === "app-9");
    expect(awkward?.[column("actorEmail")]).toBe(AWKWARD_ACTOR);
    const formulaTargets = rows.map((row) => row[column("targetId")]).filter((cell) => cell?.startsWith("'"));
    expect(formulaTargets.sort()).toEqual(FORMULAS.map((formula) => `'${formula}`).sort());
    expect(rows.filter((row) => row[column("actorEmail")] === "'=cmd|' /C calc'!A0")).toHaveLength(4);
  });

  it("lets an API key export, like every other call of the CLI", async () => {
    const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    const res = await fetch(`${portal.url}/api/v1/audit/export?format=jsonl&actor=alice%40example.com`, {
      headers: { authorization: `Bearer ${rest.token}` },
    });
    expect(res.status).toBe(200);
    const ids = (await res.text())
      .trimEnd()
      .split("\n")
      .map((line) => (JSON.parse(line) as AuditEventView).id);
    expect(ids).toEqual(await audit.expectedIds(`AND "actorEmail" = $2`, ["alice@example.com"]));
  });

  it("is downloaded by the CLI (wheelhouse audit export), filters checked before anything is sent", async () => {
    const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    const home = mkdtempSync(join(tmpdir(), "wheelhouse-cli-audit-"));
    try {
      const env = { WHEELHOUSE_URL: portal.url, WHEELHOUSE_TOKEN: rest.token ?? "" };
      const run = await runCli(home, ["audit", "export", "--format", "jsonl", "--action", "apps.*"], env);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const events = run.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line) as AuditEventView);
      expect(events).toEqual(await audit.allPages({ action: "apps.*" }, 50));
      const csv = await runCli(home, ["audit", "export", "--actor", AWKWARD_ACTOR], env);
      expect(csv.code).toBe(0);
      expect(parseCsv(csv.stdout)[1]?.[AUDIT_CSV_COLUMNS.indexOf("actorEmail")]).toBe(AWKWARD_ACTOR);

      const typo = await runCli(home, ["audit", "export", "--outcome", "maybe"], env);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toMatch(/^wheelhouse: --outcome: /);
      const refused = await runCli(home, ["audit", "export"], { ...env, WHEELHOUSE_TOKEN: "whk_not-a-real-key" });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/The portal refused the API key/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses without a session (401), a bad filter (400) and a wrong method (405), with sentences", async () => {
    const anonymous = await exportFrom(null, "format=csv");
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { message: string } }).error.message).toBe("Sign in to continue.");
    const wrongKey = await fetch(`${portal.url}/api/v1/audit/export?format=csv`, {
      headers: { authorization: "Bearer whk_not-a-real-key" },
    });
    expect(wrongKey.status).toBe(401);
    await wrongKey.text();

    for (const [query, sentence] of [
      ["format=xml", /format/],
      ["", /format/],
      ["format=csv&action=apps.%25", /An action looks like apps\.rollback/],
      ["format=csv&from=yesterday", /A time is ISO 8601/],
      ["format=csv&outcome=maybe", /outcome/],
      ["format=csv&colour=blue", /colour/],
      ["format=csv&actor=a&actor=b", /Give actor once/],
    ] as const) {
      const res = await exportFrom(viewer, query);
      expect(res.status, query).toBe(400);
      const message = ((await res.json()) as { error: { message: string } }).error.message;
      expect(message, query).toMatch(/^This export cannot be made\. /);
      expect(message, query).toMatch(sentence);
    }
    const post = await fetch(`${portal.url}/api/v1/audit/export?format=csv`, {
      method: "POST",
      headers: { cookie: viewer.cookie ?? "" },
    });
    expect(post.status).toBe(405);
    await post.text();
  });

  it("stops reading when the client goes away", async () => {
    // Enough rows that the socket's buffers fill and the export waits for the client to read.
    const rows = 20_000;
    const params = [audit.teamId, "bulk@example.com", audit.stamp()];
    const series = portal.databaseUrl.startsWith("file:")
      ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) SELECT i FROM n`
      : `SELECT generate_series(1, ${rows}) AS i`;
    await sql(
      portal.databaseUrl,
      `INSERT INTO "AuditEvent" ("teamId", "action", "actorEmail", "at", "outcome", "details")
       SELECT $1, 'apps.deploy', $2, ${portal.databaseUrl.startsWith("file:") ? "$3" : "$3::timestamp"}, 'success', '{"padding":"${"x".repeat(200)}"}' FROM (${series}) AS s`,
      params,
    );
    const controller = new AbortController();
    const res = await fetch(`${portal.url}/api/v1/audit/export?format=csv&actor=bulk%40example.com`, {
      headers: { cookie: admin.cookie ?? "" },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(first?.value?.length).toBeGreaterThan(0);
    controller.abort();
    const stopped = await waitFor(
      () => portal.logs.find((line) => line.msg === "audit export stopped: the client went away"),
      { what: "the export to notice the client went away", timeoutMs: 10_000 },
    );
    expect(Number(stopped.rows)).toBeLessThan(rows);
  });
});
