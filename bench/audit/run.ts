// bench/audit: the audit search (apps/web/src/server/audit/audit-search.ts) at 1,000,000 events,
// against the same search on a 10,000-event table filled the same way, in the same run, on SQLite
// and on PostgreSQL. Each case is the real function through Prisma (a page of 50 of team-1, which
// holds 80 % of the events): the first page, a deep page (cursor 90 % of the way back), and each
// filter. Reported: the median of 15 runs after a warm-up, the two tables alternately, the ratio 1M / 10k (a keyset page should
// cost about the same), the plan each database chose, two ways we did not take (one OR query over
// both scopes; LIKE for a prefix) timed on the same 1M table, and the export's read-and-format
// throughput (events/s, CSV, pages of 1,000; the HTTP socket not included).
//   npm run bench -- audit [EVENTS] [BASELINE] [DATABASES]   (default 1000000 10000 sqlite,postgres)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditFilter } from "@wheelhouse/shared";
import pg from "pg";
import { csvRow } from "../../apps/web/src/server/audit/audit-export-format.ts";
import { planAuditSearch, readAuditPage, searchAudit } from "../../apps/web/src/server/audit/audit-search.ts";
import { createDb, type Db } from "../../apps/web/src/server/db/client.ts";
import { applyMigrations } from "../../apps/web/src/server/db/migrations/apply-migrations.ts";
import { type PostgresCluster, startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { fillPostgres, fillSqlite, YEAR_MS } from "./fill.ts";
import { explain, loggingDb } from "./plans.ts";

const total = Number(process.argv[2] ?? 1_000_000);
const baseline = Number(process.argv[3] ?? 10_000);
const databases = (process.argv[4] ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
const RUNS = 15;
const TEAM = "team-1";
const startMs = Date.UTC(2025, 11, 1);
const week = (offsetDays: number) => ({
  from: new Date(startMs + YEAR_MS / 2 + offsetDays * 86_400_000).toISOString(),
  to: new Date(startMs + YEAR_MS / 2 + (offsetDays + 7) * 86_400_000).toISOString(),
});

interface Case {
  name: string;
  filter: AuditFilter;
  /** The cursor as a share of the table (deep pages). */
  cursorAt?: number;
}
const CASES: Case[] = [
  { name: "first page", filter: {} },
  { name: "deep page (cursor 90 % back)", filter: {}, cursorAt: 0.1 },
  { name: "actor", filter: { actor: "user7@example.com" } },
  { name: "action", filter: { action: "apps.rollback" } },
  { name: "action prefix (apps.*)", filter: { action: "apps.*" } },
  { name: "target", filter: { target: "target-42" } },
  { name: "outcome (failure, 3 %)", filter: { outcome: "failure" } },
  { name: "time range (a week)", filter: week(0) },
  { name: "actor + outcome", filter: { actor: "user7@example.com", outcome: "failure" } },
  { name: "deep page, actor", filter: { actor: "user7@example.com" }, cursorAt: 0.1 },
];

/** Medians of `a` and `b`, measured alternately after a warm-up of each, so drift hits both alike. */
async function medians(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  await a();
  await b();
  const times: [number[], number[]] = [[], []];
  for (let run = 0; run < RUNS; run++) {
    for (const [k, work] of [a, b].entries()) {
      const started = performance.now();
      await work();
      times[k]?.push(performance.now() - started);
    }
  }
  const mid = (list: number[]) => [...list].sort((x, y) => x - y)[Math.floor(RUNS / 2)] ?? Number.NaN;
  return [mid(times[0]), mid(times[1])];
}

async function median(work: () => Promise<unknown>): Promise<number> {
  return (await medians(work, work))[0];
}

/** What an interrupted run must still undo (the PostgreSQL cluster, the SQLite folders). */
const cleanups = new Set<() => unknown>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    for (const cleanup of cleanups) cleanup();
    process.exit(130);
  });
}

const search = (db: Db, size: number, c: Case) => () =>
  searchAudit(db, TEAM, { ...c.filter, limit: 50, ...(c.cursorAt ? { cursor: Math.round(size * c.cursorAt) } : {}) });

interface Table {
  location: string;
  db: Db;
  drop(): Promise<void>;
}

async function table(kind: "sqlite" | "postgres", size: number, cluster: PostgresCluster | null): Promise<Table> {
  const filled = Date.now();
  let table: Table;
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "wheelhouse-bench-audit-"));
    const file = join(dir, "audit.db");
    await applyMigrations({ kind: "sqlite", file, url: `file:${file}` });
    fillSqlite(file, size, startMs);
    const db = createDb({ kind: "sqlite", file, url: `file:${file}` });
    const remove = () => rmSync(dir, { recursive: true, force: true });
    cleanups.add(remove);
    table = {
      location: file,
      db,
      drop: async () => {
        cleanups.delete(remove);
        remove();
      },
    };
  } else {
    if (!cluster) throw new Error("no PostgreSQL cluster");
    const name = `bench_audit_${size}`;
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(cluster.url);
    url.pathname = `/${name}`;
    await applyMigrations({ kind: "postgresql", url: url.toString() });
    await fillPostgres(url.toString(), size, startMs);
    const db = createDb({ kind: "postgresql", url: url.toString() });
    table = {
      location: url.toString(),
      db,
      drop: async () => {
        await db.$disconnect();
        await admin.query(`DROP DATABASE ${name}`);
        await admin.end();
      },
    };
  }
  console.log(`${kind}: ${size.toLocaleString("en")} events written in ${((Date.now() - filled) / 1000).toFixed(1)} s`);
  return table;
}

async function exportRate(db: Db): Promise<{ events: number; perSecond: number }> {
  const started = performance.now();
  const plan = await planAuditSearch(db, TEAM, {});
  let cursor: number | undefined;
  let events = 0;
  let bytes = 0;
  for (;;) {
    const page = await readAuditPage(db, plan, cursor, 1_000);
    bytes += page.events.map(csvRow).join("").length;
    events += page.events.length;
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  if (bytes === 0) throw new Error("the export read nothing");
  return { events, perSecond: events / ((performance.now() - started) / 1000) };
}

async function rawMedian(db: Db, sql: string): Promise<number> {
  return median(() => db.$queryRawUnsafe(sql));
}

async function benchDatabase(kind: "sqlite" | "postgres") {
  const cluster = kind === "postgres" ? await startPostgresCluster() : null;
  const stopCluster = () => cluster?.stop();
  cleanups.add(stopCluster);
  try {
    const small = await table(kind, baseline, cluster);
    const big = await table(kind, total, cluster);
    console.log(`\n${kind}: a page of 50, median of ${RUNS} (ms)`);
    console.log(`| case | ${baseline.toLocaleString("en")} events | ${total.toLocaleString("en")} events | ratio |`);
    console.log("| --- | ---: | ---: | ---: |");
    for (const c of CASES) {
      const [base, ms] = await medians(search(small.db, baseline, c), search(big.db, total, c));
      console.log(`| ${c.name} | ${base.toFixed(2)} | ${ms.toFixed(2)} | ${(ms / base).toFixed(2)} |`);
    }
    await small.db.$disconnect();
    await small.drop();
    const or = `SELECT * FROM "AuditEvent" WHERE ("teamId" = '${TEAM}' OR "teamId" IS NULL) ORDER BY "id" DESC LIMIT 51`;
    const like = (prefix: string) =>
      `SELECT * FROM "AuditEvent" WHERE "teamId" = '${TEAM}' AND "action" LIKE '${prefix}%' ORDER BY "id" DESC LIMIT 51`;
    console.log(`\n${kind}, ways not taken, at ${total.toLocaleString("en")} (ms):`);
    console.log(`- one query, teamId = X OR teamId IS NULL, first page: ${(await rawMedian(big.db, or)).toFixed(2)}`);
    console.log(`- LIKE 'apps.%' on the team, first page: ${(await rawMedian(big.db, like("apps."))).toFixed(2)}`);
    console.log(`- LIKE 'nothing.%' (no match): ${(await rawMedian(big.db, like("nothing."))).toFixed(2)}`);
    console.log(
      `- the search with nothing.* (no match): ${(await median(() => searchAudit(big.db, TEAM, { action: "nothing.*", limit: 50 }))).toFixed(2)}`,
    );

    console.log(`\n${kind} plans at ${total.toLocaleString("en")}:`);
    const logged = loggingDb(kind, big.location);
    for (const c of CASES) {
      logged.queries.length = 0;
      await search(logged.db, total, c)();
      const plans = await explain(kind, big.location, logged.queries);
      console.log(`- ${c.name}: ${[...new Set(plans)].join(" | ")}`);
    }
    await logged.db.$disconnect();

    const rate = await exportRate(big.db);
    console.log(
      `\n${kind} export (CSV, read + format): ${rate.events.toLocaleString("en")} events at ${Math.round(rate.perSecond).toLocaleString("en")} events/s`,
    );
    await big.db.$disconnect();
    await big.drop();
  } finally {
    cleanups.delete(stopCluster);
    cluster?.stop();
  }
}

for (const kind of databases) await benchDatabase(kind);
