// Applies pending migrations at start-up, with the bookkeeping Prisma's own `migrate deploy` keeps
// (table _prisma_migrations), so the ordinary Prisma CLI agrees on what is applied. Prisma's CLI
// cannot run here (docs/decisions/003-migrations-at-start-up.md); this is its `deploy` step only.
//
// Two portals starting at once: PostgreSQL serialises them on the advisory lock Prisma itself uses;
// SQLite on a write transaction (BEGIN IMMEDIATE). The second one finds nothing left to apply.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import type { Config } from "../../config/env";
import { MIGRATIONS_ROOT, type MigrationFile, readMigrations } from "./migration-files";

/** The advisory lock key Prisma Migrate takes on PostgreSQL: we and `prisma migrate deploy` exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** The checks that hold whatever the database: a failed or edited migration stops the start. */
function pending(files: MigrationFile[], rows: AppliedRow[]): MigrationFile[] {
  const done = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} started earlier but did not finish. Restore the database from a backup, or fix it by hand and mark it rolled back (prisma migrate resolve --rolled-back ${row.migration_name}).`,
      );
    }
    done.set(row.migration_name, row);
  }
  for (const file of files) {
    const row = done.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was changed after it was applied. Put back its original migration.sql and write a new migration instead.`,
      );
    }
  }
  return files.filter((file) => !done.has(file.name));
}

/** `migrationsRoot` is for tests; the portal always uses the repository's prisma/migrations. */
export async function applyMigrations(
  database: Config["database"],
  migrationsRoot = MIGRATIONS_ROOT,
): Promise<MigrationReport> {
  return database.kind === "sqlite"
    ? applySqlite(database.file, migrationsRoot)
    : applyPostgres(database.url, migrationsRoot);
}

function applySqlite(file: string, migrationsRoot: string): MigrationReport {
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const files = readMigrations("sqlite", migrationsRoot);
    const applied: string[] = [];
    // IMMEDIATE takes the write lock at once: a second portal waits here, then sees the rows.
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = db
        .prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
        .all() as AppliedRow[];
      const todo = pending(files, rows);
      for (const migration of todo) {
        const started = new Date().toISOString();
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, started);
        applied.push(migration.name);
      }
      db.exec("COMMIT");
      return { applied, alreadyApplied: files.length - todo.length };
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    db.close();
  }
}

async function applyPostgres(url: string, migrationsRoot: string): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const files = readMigrations("postgresql", migrationsRoot);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const todo = pending(files, rows);
    for (const migration of todo) {
      await client.query("BEGIN");
      try {
        const started = new Date();
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, started],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
      }
    }
    return { applied: todo.map((m) => m.name), alreadyApplied: files.length - todo.length };
  } finally {
    // Ending the session releases the advisory lock, also when a query above failed.
    await client.end();
  }
}
