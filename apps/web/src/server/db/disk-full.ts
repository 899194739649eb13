// Recognises a write the database refused because its disk is full, whatever wrapped it.
//
// How it arrives (captured on a full tmpfs with Prisma 7.10 and its driver adapters):
// - a model call or batch $transaction: PrismaClientKnownRequestError P2039 (P2010 for raw SQL) with
//   `meta.driverAdapterError.cause = { originalCode: "SQLITE_FULL", originalMessage: "database or disk is full", … }`;
// - the COMMIT of an interactive $transaction: the DriverAdapterError itself, `cause.originalCode` as above;
// - PostgreSQL through @prisma/adapter-pg: the same shapes with `originalCode: "53100"` (disk_full);
// - the drivers underneath (better-sqlite3 in the migrator, pg): `code: "SQLITE_FULL"` or `"53100"`.
import type { Config } from "../config/env";

/** SQLite's result code and PostgreSQL's SQLSTATE for "no space left for this write". */
const DISK_FULL_CODES = new Set(["SQLITE_FULL", "53100"]);
/** Wrappers nest a few levels at most; the bound also stops on a cycle of causes. */
const MAX_DEPTH = 6;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function isDiskFull(error: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH || typeof error !== "object" || error === null) return false;
  for (const key of ["code", "originalCode"]) {
    const code = field(error, key);
    if (typeof code === "string" && DISK_FULL_CODES.has(code)) return true;
  }
  return (
    isDiskFull(field(error, "cause"), depth + 1) ||
    isDiskFull(field(field(error, "meta"), "driverAdapterError"), depth + 1)
  );
}

/** What a person reads when their change could not be saved: the cause and the fix. */
export function diskFullSentence(database: Config["database"]): string {
  return database.kind === "sqlite"
    ? "Wheelhouse could not save this change: the disk that holds its data directory (DATA_DIR) is full. Free some space on that disk, or move DATA_DIR to a larger one; Wheelhouse carries on by itself once there is room."
    : "Wheelhouse could not save this change: the PostgreSQL server's disk is full. Free some space on the database server's disk; Wheelhouse carries on by itself once there is room.";
}
