import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error";
import { createDb, type Db } from "./client";
import { bookkeepingWrite, FAILURE_HOLD_MS, LOG_EVERY_MS, WriteHealth } from "./write-health";

const diskFull = () => Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });

/** A real pino logger whose lines the test reads. */
function capturedLogger() {
  const lines: { level: number; msg: string; failedWrites?: number }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines, errors: () => lines.filter((line) => line.level >= 50) };
}

let dir: string;
let db: Db;
const sqlite = () => ({ kind: "sqlite" as const, file: join(dir, "w.db"), url: `file:${join(dir, "w.db")}` });
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wh-write-health-"));
  db = createDb(sqlite());
});
afterAll(async () => {
  await db.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("write health", () => {
  it("logs one error line per minute however many writes fail, with the count", () => {
    let now = 1_000_000;
    const { logger, errors } = capturedLogger();
    const health = new WriteHealth({ db, logger, database: sqlite(), dataDir: dir, now: () => now });
    for (let i = 0; i < 50; i++) {
      expect(health.noticeFailure(diskFull())).toBe(true);
      now += 1_000;
    }
    expect(health.diskFull).toBe(true);
    expect(errors()).toHaveLength(1);
    now += LOG_EVERY_MS;
    health.noticeFailure(diskFull());
    expect(errors()).toHaveLength(2);
    expect(errors()[1]?.failedWrites).toBe(50);
  });

  it("ignores other errors, and turns a full disk into the sentence people see", () => {
    const { logger, lines } = capturedLogger();
    const health = new WriteHealth({ db, logger, database: sqlite(), dataDir: dir });
    expect(health.noticeFailure(Object.assign(new Error("unique"), { code: "P2002" }))).toBe(false);
    expect(health.diskFullError(new Error("boom"))).toBeNull();
    expect(health.diskFull).toBe(false);
    expect(lines).toHaveLength(0);
    const error = health.diskFullError(diskFull());
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe("NOT_READY");
    expect(error?.message).toMatch(/DATA_DIR\) is full/);
  });

  it("SQLite: a probe that writes clears the state and says so once", async () => {
    const { logger, lines } = capturedLogger();
    const health = new WriteHealth({ db, logger, database: sqlite(), dataDir: dir });
    health.noticeFailure(diskFull());
    await health.probe();
    expect(health.diskFull).toBe(false);
    expect(lines.filter((line) => line.msg === "the database can save changes again")).toHaveLength(1);
    const [header] = await db.$queryRawUnsafe<{ user_version: number | bigint }[]>("PRAGMA user_version");
    expect(Number(header?.user_version)).toBeGreaterThan(0);
  });

  it("PostgreSQL: a failure counts until FAILURE_HOLD_MS passes without another", async () => {
    let now = 5_000_000;
    const { logger } = capturedLogger();
    const health = new WriteHealth({
      db,
      logger,
      database: { kind: "postgresql", url: "postgres://127.0.0.1/none" },
      dataDir: dir,
      now: () => now,
    });
    health.noticeFailure(Object.assign(new Error("could not extend file"), { code: "53100" }));
    now += FAILURE_HOLD_MS - 1;
    await health.probe();
    expect(health.diskFull).toBe(true);
    now += 1;
    await health.probe();
    expect(health.diskFull).toBe(false);
  });

  it("a bookkeeping write skipped on a full disk still reaches its client's WriteHealth", async () => {
    const { logger, errors } = capturedLogger();
    const health = new WriteHealth({ db, logger, database: sqlite(), dataDir: dir });
    await bookkeepingWrite(db, async () => {
      throw diskFull();
    });
    expect(health.diskFull).toBe(true);
    expect(errors()).toHaveLength(1);
    await expect(
      bookkeepingWrite(db, async () => {
        throw new Error("not a full disk");
      }),
    ).rejects.toThrow("not a full disk");
  });
});
