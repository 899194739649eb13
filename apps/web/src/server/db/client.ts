// The Prisma client for the configured database. Two clients are generated from one schema
// (docs/decisions/002-two-databases-one-schema.md); their APIs are the same, so the rest of the
// portal sees one type, `Db`, whichever database runs underneath.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "../config/env";
import { PrismaClient as PostgresClient } from "./generated/postgresql/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";

export type Db = SqliteClient;

export function createDb(database: Config["database"]): Db {
  if (database.kind === "sqlite") {
    mkdirSync(dirname(database.file), { recursive: true });
    return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: database.file, timeout: 10_000 }) });
  }
  const client: PostgresClient = new PostgresClient({
    adapter: new PrismaPg({ connectionString: database.url, connectionTimeoutMillis: 5_000 }),
  });
  // Same generated API from the same schema; only the SQL dialect underneath differs.
  return client as unknown as Db;
}
