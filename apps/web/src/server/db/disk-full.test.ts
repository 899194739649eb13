import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DriverAdapterError } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "./client";
import { diskFullSentence, isDiskFull } from "./disk-full";
import { Prisma } from "./generated/sqlite/client";
import { applyMigrations } from "./migrations/apply-migrations";

/** What a caught error is, when a test expects a call to fail. */
async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

// SQLite's own SQLITE_FULL, through Prisma 7's better-sqlite3 adapter, without filling a disk:
// `max_page_count` caps the database file, and a write that needs one page more is refused with
// the same result code a full disk gives (tests/integration/disk-full.int.test.ts fills a real one).
describe("SQLite: a write refused for lack of space", () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wh-disk-full-"));
    const file = join(dir, "capped.db");
    const database = { kind: "sqlite" as const, file, url: `file:${file}` };
    await applyMigrations(database);
    db = createDb(database);
    await db.team.create({ data: { name: "Platform", slug: "platform" } });
    const [pages] = await db.$queryRawUnsafe<{ page_count: number | bigint }[]>("PRAGMA page_count");
    await db.$queryRawUnsafe(`PRAGMA max_page_count = ${Number(pages?.page_count)}`);
  });
  afterAll(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const big = (n: number) => ({ name: `team ${n} ${"x".repeat(20_000)}`, slug: `team-${n}` });

  it("is recognised from a model call (P2039 with the adapter's SQLITE_FULL)", async () => {
    const error = await failure(() => db.team.create({ data: big(1) }));
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(isDiskFull(error)).toBe(true);
  });

  it("is recognised from a batch and from an interactive transaction's commit", async () => {
    expect(isDiskFull(await failure(() => db.$transaction([db.team.create({ data: big(2) })])))).toBe(true);
    const interactive = await failure(() => db.$transaction(async (tx) => tx.team.create({ data: big(3) })));
    expect(isDiskFull(interactive)).toBe(true);
  });

  it("is recognised from raw SQL (P2010)", async () => {
    const error = await failure(() =>
      db.$executeRawUnsafe(
        `INSERT INTO "Team" ("id", "name", "slug", "createdAt") VALUES ('t4', ?, 't4', 0)`,
        "x".repeat(20_000),
      ),
    );
    expect(isDiskFull(error)).toBe(true);
  });

  it("leaves every other failure alone (a duplicate is not a full disk)", async () => {
    const duplicate = await failure(() => db.team.create({ data: { name: "Again", slug: "platform" } }));
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect(isDiskFull(duplicate)).toBe(false);
  });
});

describe("PostgreSQL: 53100 disk_full", () => {
  // adapter-pg's conversion of a pg DatabaseError (kind "postgres", the SQLSTATE kept as originalCode).
  const adapterError = () =>
    new DriverAdapterError({
      originalCode: "53100",
      originalMessage: 'could not extend file "base/16384/16390": No space left on device',
      kind: "postgres",
      code: "53100",
      severity: "ERROR",
      message: 'could not extend file "base/16384/16390": No space left on device',
      detail: undefined,
      column: undefined,
      hint: "Check free disk space.",
    });

  it("is recognised from the driver, the adapter and Prisma's wrapper", () => {
    const driver = Object.assign(new pg.DatabaseError("could not extend file", 0, "error"), { code: "53100" });
    expect(isDiskFull(driver)).toBe(true);
    expect(isDiskFull(adapterError())).toBe(true);
    const wrapped = new Prisma.PrismaClientKnownRequestError("Database error", {
      code: "P2039",
      clientVersion: Prisma.prismaVersion.client,
      meta: { modelName: "AuditEvent", driverAdapterError: adapterError() },
    });
    expect(isDiskFull(wrapped)).toBe(true);
    expect(isDiskFull(new Error("request failed", { cause: wrapped }))).toBe(true);
  });

  it("leaves other SQLSTATEs and non-errors alone", () => {
    expect(isDiskFull(Object.assign(new Error("too many connections"), { code: "53300" }))).toBe(false);
    expect(isDiskFull(Object.assign(new Error("unique"), { code: "23505" }))).toBe(false);
    expect(isDiskFull(null)).toBe(false);
    expect(isDiskFull("SQLITE_FULL")).toBe(false);
    const looped: { cause?: unknown } = {};
    looped.cause = looped;
    expect(isDiskFull(looped)).toBe(false);
  });
});

describe("the sentence a person reads", () => {
  it("names the cause and the fix for each database", () => {
    expect(diskFullSentence({ kind: "sqlite", file: "/data/w.db", url: "file:/data/w.db" })).toMatch(
      /disk that holds its data directory \(DATA_DIR\) is full\. Free some space/,
    );
    expect(diskFullSentence({ kind: "postgresql", url: "postgres://db/w" })).toMatch(
      /PostgreSQL server's disk is full\. Free some space/,
    );
  });
});
