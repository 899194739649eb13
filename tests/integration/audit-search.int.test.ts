// The audit log's search against a real portal (issue 14): each filter and the cursor give the
// events a plain SQL query gives (tests/support/audit-events.ts), over the team's and the team-less
// events and never another team's; malformed filters are refused with a sentence; REST serves the
// same; and the table still refuses UPDATE and DELETE.

import type { AuditEventView } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { AuditFixture, AWKWARD_ACTOR } from "../support/audit-events.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";

let portal: Portal;
let admin: ApiClient;
let audit: AuditFixture;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  audit = await AuditFixture.forPortal(portal, admin);
  await audit.seedStandardEvents();
});
afterAll(async () => {
  await portal?.stop();
});

describe("audit search", () => {
  it("pages newest first by cursor through the team's and the team-less events, and no other team's", async () => {
    const events = await audit.allPages({});
    const ids = events.map((event) => event.id);
    expect(ids).toEqual(await audit.expectedIds());
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.some((event) => event.teamId === "another-team")).toBe(false);
    expect(events.filter((event) => event.teamId === null).length).toBeGreaterThanOrEqual(3);
  });

  it("filters by actor exactly, action exactly or by resource, target, outcome, and combinations", async () => {
    const cases: [Record<string, string>, string, unknown[]][] = [
      [{ actor: "alice@example.com" }, `AND "actorEmail" = $2`, ["alice@example.com"]],
      [{ actor: AWKWARD_ACTOR }, `AND "actorEmail" = $2`, [AWKWARD_ACTOR]],
      [{ action: "apps.rollback" }, `AND action = $2`, ["apps.rollback"]],
      [{ action: "apps.*" }, `AND action LIKE $2`, ["apps.%"]],
      [{ action: "session.*" }, `AND action LIKE $2`, ["session.%"]],
      [{ target: "app-1" }, `AND "targetId" = $2`, ["app-1"]],
      [{ outcome: "denied" }, `AND outcome = $2`, ["denied"]],
      [
        { actor: "bob@example.com", outcome: "failure", action: "apps.*" },
        `AND "actorEmail" = $2 AND outcome = $3 AND action LIKE $4`,
        ["bob@example.com", "failure", "apps.%"],
      ],
    ];
    for (const [filter, where, params] of cases) {
      const expected = await audit.expectedIds(where, params);
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(
        (await audit.allPages(filter, 4)).map((event) => event.id),
        JSON.stringify(filter),
      ).toEqual(expected);
    }
    // Exact means exact: a part of an address finds nothing; a resource does not match its namesakes.
    expect(await audit.allPages({ actor: "alice@" })).toEqual([]);
    const apps = await audit.allPages({ action: "apps.*" });
    expect(apps.some((event) => event.action === "appstore.open")).toBe(false);
    expect(new Set(apps.map((event) => event.action))).toEqual(
      new Set(["apps.deploy", "apps.rollback", "apps.maintenance.on", "apps.update"]),
    );
  });

  it("filters by a time range, and a range before every event is empty", async () => {
    const t1 = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await audit.insertEvents(
      Array.from({ length: 6 }, (_, i) => ({
        teamId: audit.teamId,
        action: "users.create",
        actorEmail: "carol@example.com",
        targetId: `user-${i}`,
        outcome: "success",
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const t2 = new Date();
    await audit.insertEvents([
      {
        teamId: audit.teamId,
        action: "users.create",
        actorEmail: "dan@example.com",
        targetId: null,
        outcome: "success",
      },
    ]);

    const window = await audit.allPages({ from: t1.toISOString(), to: t2.toISOString() }, 4);
    expect(window.map((event) => event.actorEmail)).toEqual(Array(6).fill("carol@example.com"));
    expect(window.map((event) => event.targetId)).toEqual(["user-5", "user-4", "user-3", "user-2", "user-1", "user-0"]);
    // The same instant written with an offset is the same instant.
    const twoHoursEast = `${new Date(t1.getTime() + 2 * 3600_000).toISOString().slice(0, 23)}+02:00`;
    const withOffset = await audit.allPages({ from: twoHoursEast });
    expect(withOffset.map((event) => event.actorEmail)).toContain("dan@example.com");
    expect(await audit.allPages({ to: "2000-01-01T00:00:00Z" })).toEqual([]);
    expect(await audit.allPages({ from: "2999-01-01T00:00:00Z" })).toEqual([]);
    // From alone, with another filter on top.
    expect(
      (await audit.allPages({ from: t1.toISOString(), actor: "dan@example.com" })).map((event) => event.actorEmail),
    ).toEqual(["dan@example.com"]);
  });

  it("refuses a malformed filter with a sentence", async () => {
    const bad = await admin.query("audit.list", { action: "apps.%" });
    expect(bad.status).toBe(400);
    expect(bad.error?.message).toMatch(/An action looks like apps\.rollback/);
    const time = await admin.query("audit.list", { from: "yesterday" });
    expect(time.status).toBe(400);
    expect(time.error?.message).toMatch(/ISO 8601/);
  });

  it("is served as REST too (GET /api/v1/audit)", async () => {
    const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    const page = await rest.call<{ events: AuditEventView[] }>("GET", "/audit?actor=alice%40example.com&limit=3");
    expect(page.status).toBe(200);
    expect(page.body.events.map((event) => event.id)).toEqual(
      (await audit.expectedIds(`AND "actorEmail" = $2`, ["alice@example.com"])).slice(0, 3),
    );
  });
});

describe("append-only", () => {
  it("the database refuses UPDATE and DELETE on AuditEvent", async () => {
    const count = async () =>
      Number((await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "AuditEvent"`))[0]?.n);
    const before = await count();
    await expect(sql(portal.databaseUrl, `UPDATE "AuditEvent" SET outcome = 'success'`)).rejects.toThrow(/append-only/);
    await expect(sql(portal.databaseUrl, `DELETE FROM "AuditEvent" WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(sql(portal.databaseUrl, `DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    expect(before).toBeGreaterThan(40);
  });
});
