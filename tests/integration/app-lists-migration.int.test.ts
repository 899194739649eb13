// The migration that turned an app's JSON lists into AppDomain and AppHost rows
// (docs/decisions/023-app-lists-as-tables.md), on the suite's database kind: a database made at the
// previous migration, holding apps written the old way, comes out with the same lists as rows, and
// nothing that hangs off an app is lost on the way.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getApp } from "../../apps/web/src/server/apps/apps.ts";
import type { Config } from "../../apps/web/src/server/config/env.ts";
import { createDb, type Db } from "../../apps/web/src/server/db/client.ts";
import { applyMigrations } from "../../apps/web/src/server/db/migrations/apply-migrations.ts";
import { MIGRATIONS_ROOT, readMigrations } from "../../apps/web/src/server/db/migrations/migration-files.ts";
import { sql } from "../support/database.ts";
import { createPostgresDatabase, testDatabaseKind } from "../support/portal.ts";

const TARGET = "_app_domains_and_hosts";
const provider = testDatabaseKind() === "postgres" ? "postgresql" : "sqlite";
const scratch = mkdtempSync(join(tmpdir(), "wh-app-lists-"));
const root = join(scratch, "migrations");
let database: Config["database"];
let url: string;
let db: Db | undefined;

/** Copies the repository's migrations up to (and without) the one under test, or all of them. */
function copyMigrations(through: "before" | "all") {
  const names = readMigrations(provider).map((m) => m.name);
  const index = names.findIndex((name) => name.endsWith(TARGET));
  if (index < 0) throw new Error(`No migration named *${TARGET} for ${provider}.`);
  for (const name of through === "all" ? names : names.slice(0, index)) {
    cpSync(join(MIGRATIONS_ROOT, provider, name), join(root, provider, name), { recursive: true });
  }
}

const at = (iso: string) => `${iso}.000+00:00`;

beforeAll(async () => {
  if (provider === "postgresql") {
    url = await createPostgresDatabase();
    database = { kind: "postgresql", url };
  } else {
    const file = join(scratch, "wheelhouse.db");
    url = `file:${file}`;
    database = { kind: "sqlite", file, url };
  }
  copyMigrations("before");
  await applyMigrations(database, root);

  // Written the way the portal wrote apps before the migration: JSON text in App.domains/hostIds.
  await sql(url, `INSERT INTO "Team" ("id", "name", "slug") VALUES ('team', 'Platform', 'platform')`);
  for (const host of ["web-1", "web-2"]) {
    await sql(url, `INSERT INTO "Host" ("id", "teamId", "name") VALUES ($1, 'team', $2)`, [host, host]);
  }
  // Placeholders are positional (the SQLite helper turns each $n into ?), so none repeats.
  const insertApp = `INSERT INTO "App" ("id", "teamId", "name", "environment", "image", "port", "healthPath",
      "healthTimeoutSeconds", "replicas", "network", "restartPolicy", "domains", "hostIds", "createdAt", "updatedAt")
    VALUES ($1, 'team', $2, 'production', 'shop:1', 8080, '/', 30, 1, 'published', 'no', $3, $4, $5, $6)`;
  // "web-0" was deleted long ago (a revoked host replaced by re-enrolment): no row to point at.
  await sql(url, insertApp, [
    "shop",
    "shop",
    JSON.stringify(["www.shop.example", "shop.example"]),
    JSON.stringify(["web-2", "web-0", "web-1"]),
    at("2026-01-01T00:00:00"),
    at("2026-01-01T00:00:00"),
  ]);
  // Listed a domain shop already had: the old read-then-write check could let this through.
  await sql(url, insertApp, [
    "blog",
    "blog",
    JSON.stringify(["blog.example", "shop.example"]),
    JSON.stringify(["web-1"]),
    at("2026-02-01T00:00:00"),
    at("2026-02-01T00:00:00"),
  ]);
  await sql(url, insertApp, ["empty", "empty", "[]", "[]", at("2026-03-01T00:00:00"), at("2026-03-01T00:00:00")]);
  await sql(
    url,
    `INSERT INTO "Release" ("id", "appId", "number", "imageRef", "imageDigest", "config") VALUES ('r1', 'shop', 1, 'shop:1', 'sha256:aa', '{}')`,
  );
  await sql(
    url,
    `INSERT INTO "Deployment" ("id", "appId", "releaseId", "kind", "status", "imageRef", "replicas") VALUES ('d1', 'shop', 'r1', 'deploy', 'Live', 'shop:1', 1)`,
  );

  copyMigrations("all");
  const report = await applyMigrations(database, root);
  // This migration and every later one (their order is their names' order).
  const names = readMigrations(provider).map((m) => m.name);
  expect(report.applied).toEqual(names.slice(names.findIndex((name) => name.endsWith(TARGET))));
  expect(report.applied[0]).toMatch(new RegExp(`${TARGET}$`));
  db = createDb(database);
});

afterAll(async () => {
  await db?.$disconnect();
  rmSync(scratch, { recursive: true, force: true });
});

describe("moving an app's JSON lists into rows", () => {
  it("keeps each app's domains and hosts, in the order they were written", async () => {
    if (!db) throw new Error("no database");
    const shop = await getApp(db, "team", "shop");
    expect(shop.domains).toEqual(["www.shop.example", "shop.example"]);
    // The deleted host has no row to point at; the others keep their order.
    expect(shop.hostIds).toEqual(["web-2", "web-1"]);
    const empty = await getApp(db, "team", "empty");
    expect([empty.domains, empty.hostIds]).toEqual([[], []]);
  });

  it("leaves a domain two apps listed with the older app, and says so in the audit trail", async () => {
    if (!db) throw new Error("no database");
    expect((await getApp(db, "team", "blog")).domains).toEqual(["blog.example"]);
    const events = await sql<{ targetId: string; teamId: string; outcome: string; details: string }>(
      url,
      `SELECT "targetId", "teamId", "outcome", "details" FROM "AuditEvent" WHERE "action" = 'app.domain.remove'`,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetId: "blog", teamId: "team", outcome: "success" });
    expect(JSON.parse(events[0]?.details ?? "{}")).toMatchObject({ domain: "shop.example", keptBy: "shop" });
    // The row reads back through Prisma like any other audit event.
    const viaPrisma = await db.auditEvent.findFirstOrThrow({ where: { action: "app.domain.remove" } });
    expect(viaPrisma.at.getTime()).toBeGreaterThan(Date.parse("2026-01-01T00:00:00Z"));
  });

  it("keeps what hangs off an app (releases, deployments) and drops the JSON columns", async () => {
    expect(await sql(url, `SELECT "id" FROM "Release"`)).toEqual([{ id: "r1" }]);
    expect(await sql(url, `SELECT "id", "status" FROM "Deployment"`)).toEqual([{ id: "d1", status: "Live" }]);
    const columns =
      provider === "sqlite"
        ? (await sql<{ name: string }>(url, `SELECT "name" FROM pragma_table_info('App')`)).map((c) => c.name)
        : (
            await sql<{ column_name: string }>(
              url,
              `SELECT column_name FROM information_schema.columns WHERE table_name = 'App'`,
            )
          ).map((c) => c.column_name);
    expect(columns).toContain("env");
    expect(columns).not.toContain("domains");
    expect(columns).not.toContain("hostIds");
  });

  it("lets the database refuse what the JSON could not: a second claim on a domain, a host that does not exist", async () => {
    await expect(
      sql(url, `INSERT INTO "AppDomain" ("domain", "appId", "position") VALUES ('shop.example', 'blog', 5)`),
    ).rejects.toThrow(/unique|UNIQUE|duplicate/);
    await expect(
      sql(url, `INSERT INTO "AppHost" ("appId", "hostId", "position") VALUES ('blog', 'web-9', 5)`),
    ).rejects.toThrow(/foreign key|FOREIGN KEY/);
  });
});
