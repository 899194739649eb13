// Fills an audit table for bench/audit: `count` events over a year, in id order (ids grow with
// time, as the portal writes them), generated inside the database by INSERT … SELECT over a
// series, 100,000 rows a statement (the append-only triggers refuse changes, not inserts).
// Spread, from a multiplicative hash of the row number so neighbouring rows differ:
// - team: 0.5 % team-less (unknown sign-ins), 80 % team-1 (the team searched), the rest team-2..5;
// - actor: 200 people; action: 8 resources × 5 verbs; target: 5,000; outcome: 90 % success,
//   7 % denied, 3 % failure; details: about 100 bytes of JSON.
import Database from "better-sqlite3";
import pg from "pg";

export const YEAR_MS = 365 * 24 * 3600_000;
const CHUNK = 100_000;
const RESOURCES = ["apps", "users", "hosts", "session", "registries", "terminal", "incidents", "approvals"];
const VERBS = ["create", "update", "deploy", "rollback", "delete"];

/** Each column's expression over the row number `i` (an integer column of the series). */
function columns(dialect: "sqlite" | "postgres", startMs: number, count: number) {
  // 2654435761: Knuth's multiplicative hash, kept within 32 bits.
  const h = dialect === "sqlite" ? "((i * 2654435761) % 4294967296)" : "((i::bigint * 2654435761) % 4294967296)";
  const pick = (values: string[], divisor: number) =>
    `CASE (${h} / ${divisor}) % ${values.length} ${values.map((value, k) => `WHEN ${k} THEN '${value}'`).join(" ")} END`;
  const stepMs = YEAR_MS / count;
  const at =
    dialect === "sqlite"
      ? `strftime('%Y-%m-%dT%H:%M:%f', (${startMs} + i * ${stepMs}) / 1000.0, 'unixepoch') || '+00:00'`
      : `to_timestamp((${startMs} + i::bigint * ${stepMs}) / 1000.0) AT TIME ZONE 'UTC'`;
  return {
    at,
    teamId: `CASE WHEN ${h} % 200 = 0 THEN NULL WHEN (${h} / 200) % 10 < 8 THEN 'team-1' ELSE 'team-' || (2 + (${h} / 2000) % 4) END`,
    actorEmail: `'user' || ((${h} / 7) % 200) || '@example.com'`,
    action: `${pick(RESOURCES, 13)} || '.' || ${pick(VERBS, 131)}`,
    targetId: `'target-' || ((${h} / 11) % 5000)`,
    targetType: `'app'`,
    outcome: `CASE WHEN (${h} / 17) % 100 < 90 THEN 'success' WHEN (${h} / 17) % 100 < 97 THEN 'denied' ELSE 'failure' END`,
    ip: `'192.0.2.' || (${h} % 250)`,
    details: `'{"summary":"benchmark event ' || i || '","reason":"a few words of detail","n":' || (${h} % 1000) || '}'`,
  };
}

function insertSql(dialect: "sqlite" | "postgres", startMs: number, count: number, from: number, to: number): string {
  const expressions = columns(dialect, startMs, count);
  const names = Object.keys(expressions).map((name) => `"${name}"`);
  const series =
    dialect === "sqlite"
      ? `(WITH RECURSIVE s(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM s WHERE i < ${to}) SELECT i FROM s)`
      : `generate_series(${from}, ${to})`;
  return `INSERT INTO "AuditEvent" (${names.join(", ")}) SELECT ${Object.values(expressions).join(", ")} FROM ${series} AS g${dialect === "sqlite" ? "" : "(i)"}`;
}

export function fillSqlite(file: string, count: number, startMs: number): void {
  const db = new Database(file);
  try {
    // A throw-away file: no need to survive a crash while filling.
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -262144");
    for (let from = 1; from <= count; from += CHUNK) {
      db.exec(insertSql("sqlite", startMs, count, from, Math.min(count, from + CHUNK - 1)));
    }
  } finally {
    db.close();
  }
}

export async function fillPostgres(url: string, count: number, startMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off");
    for (let from = 1; from <= count; from += CHUNK) {
      await client.query(insertSql("postgres", startMs, count, from, Math.min(count, from + CHUNK - 1)));
    }
    // What autovacuum does after a bulk load; without statistics the planner guesses.
    await client.query(`ANALYZE "AuditEvent"`);
  } finally {
    await client.end();
  }
}
