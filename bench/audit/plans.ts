// The query plans behind each audit search, as the databases choose them: the SQL Prisma really
// sends (caught from a query-logging client) run through SQLite's EXPLAIN QUERY PLAN and
// PostgreSQL's EXPLAIN (ANALYZE), condensed to the lines that name a scan and an index.

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";
import type { Db } from "../../apps/web/src/server/db/client.ts";
import { PrismaClient as PostgresClient } from "../../apps/web/src/server/db/generated/postgresql/client.ts";
import { PrismaClient as SqliteClient } from "../../apps/web/src/server/db/generated/sqlite/client.ts";

export interface LoggedQuery {
  sql: string;
  params: unknown[];
}

/** A client that records every statement it sends, for the plans (not for timing). */
export function loggingDb(kind: "sqlite" | "postgres", location: string): { db: Db; queries: LoggedQuery[] } {
  const queries: LoggedQuery[] = [];
  const record = (event: { query: string; params: string }) => {
    queries.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] });
  };
  if (kind === "sqlite") {
    const client = new SqliteClient({
      adapter: new PrismaBetterSqlite3({ url: location }),
      log: [{ emit: "event", level: "query" }],
    });
    client.$on("query", record);
    return { db: client as unknown as Db, queries };
  }
  const client = new PostgresClient({
    adapter: new PrismaPg({ connectionString: location }),
    log: [{ emit: "event", level: "query" }],
  });
  client.$on("query", record);
  return { db: client as unknown as Db, queries };
}

/** The plan lines of the statements that read AuditEvent (not BEGIN/COMMIT). */
export async function explain(kind: "sqlite" | "postgres", location: string, queries: LoggedQuery[]) {
  const reads = queries.filter((query) => /\bFROM\b/i.test(query.sql) && /AuditEvent/.test(query.sql));
  const plans: string[] = [];
  if (kind === "sqlite") {
    const db = new Database(location, { readonly: true });
    try {
      for (const query of reads) {
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params.map(sqliteValue)) as {
          detail: string;
        }[];
        plans.push(rows.map((row) => row.detail).join("; "));
      }
    } finally {
      db.close();
    }
    return plans;
  }
  const client = new pg.Client({ connectionString: location });
  await client.connect();
  try {
    for (const query of reads) {
      const result = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${query.sql}`,
        query.params,
      );
      plans.push(
        result.rows
          .map((row) => row["QUERY PLAN"].trim().replace(/^->\s*/, ""))
          .filter((line) => /Scan|Sort|Limit|Filter|Index Cond|rows=/.test(line) && !line.startsWith("Planning"))
          .slice(0, 6)
          .join("; "),
      );
    }
  } finally {
    await client.end();
  }
  return plans;
}

function sqliteValue(value: unknown): unknown {
  return typeof value === "boolean" ? Number(value) : value;
}
