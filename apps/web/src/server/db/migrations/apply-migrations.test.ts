// Runs the migrator on real SQLite files with a scratch migrations folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError } from "./apply-migrations";
import { readMigrations } from "./migration-files";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch() {
  const dir = mkdtempSync(join(tmpdir(), "wh-migrate-"));
  dirs.push(dir);
  const root = join(dir, "migrations");
  const write = (name: string, sql: string) => {
    mkdirSync(join(root, "sqlite", name), { recursive: true });
    writeFileSync(join(root, "sqlite", name, "migration.sql"), sql);
  };
  const file = join(dir, "db.sqlite");
  return { root, write, database: { kind: "sqlite" as const, file, url: `file:${file}` }, file };
}

describe("applyMigrations (SQLite)", () => {
  it("applies pending migrations in name order, once, with Prisma's bookkeeping", async () => {
    const { root, write, database, file } = scratch();
    write("20260101000000_a", `CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);`);
    write("20260102000000_b", `ALTER TABLE "A" ADD COLUMN "name" TEXT;`);
    expect(await applyMigrations(database, root)).toEqual({
      applied: ["20260101000000_a", "20260102000000_b"],
      alreadyApplied: 0,
    });
    expect(await applyMigrations(database, root)).toEqual({ applied: [], alreadyApplied: 2 });

    const db = new Database(file);
    const rows = db
      .prepare(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
      )
      .all();
    db.close();
    const files = readMigrations("sqlite", root);
    expect(rows).toEqual(
      files.map((f) => ({
        migration_name: f.name,
        checksum: f.checksum,
        finished_at: expect.any(String),
        applied_steps_count: 1,
      })),
    );
  });

  it("rolls back a failing migration entirely and records nothing for it", async () => {
    const { root, write, database, file } = scratch();
    write("20260101000000_a", `CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);`);
    write("20260102000000_broken", `CREATE TABLE "B" ("id" INTEGER); THIS IS NOT SQL;`);
    await expect(applyMigrations(database, root)).rejects.toThrow();
    const db = new Database(file);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('A', 'B')`).all();
    const rows = db.prepare(`SELECT COUNT(*) AS n FROM "_prisma_migrations"`).get() as { n: number };
    db.close();
    expect(tables).toEqual([]);
    expect(rows.n).toBe(0);
  });

  it("refuses to start when an applied migration was edited afterwards", async () => {
    const { root, write, database } = scratch();
    write("20260101000000_a", `CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);`);
    await applyMigrations(database, root);
    write("20260101000000_a", `CREATE TABLE "A" ("id" INTEGER PRIMARY KEY, "x" TEXT);`);
    const attempt = applyMigrations(database, root);
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(applyMigrations(database, root)).rejects.toThrow(/was changed after it was applied/);
  });

  it("applies the repository's real migrations to an empty database", async () => {
    const { database } = scratch();
    const report = await applyMigrations(database);
    expect(report.applied.length).toBe(readMigrations("sqlite").length);
  });
});
