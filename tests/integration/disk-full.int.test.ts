// A full disk says so (issue 9, item 10): the database's disk is a small tmpfs, filled with a file.
// Writes are then a 503 naming the cause and the fix, reads still answer (their bookkeeping writes
// are skipped), /health/ready names "database: cannot write (disk full)", the portal logs one error
// line rather than one per request, and once the file is gone everything works again with every
// row intact.
//
// SQLite: DATA_DIR (and so the database) is on the tmpfs. PostgreSQL: the test database is created
// in a tablespace on the tmpfs, so the server refuses to extend its tables with a real 53100
// disk_full while its write-ahead log (on the cluster's own disk) keeps working. One difference is
// asserted as such: on PostgreSQL no cheap probe proves a write fits (docs/decisions/019-disk-full.md),
// so readiness follows failed writes there, while on SQLite an idle portal notices within 10 s.
import { execFileSync } from "node:child_process";
import { chownSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresCluster, startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal, testDatabaseKind, waitForUrl } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";

const kind = testDatabaseKind();
const isRoot = process.getuid?.() === 0;
const DISK_FULL = "database: cannot write (disk full)";
const SENTENCE =
  kind === "sqlite"
    ? /the disk that holds its data directory \(DATA_DIR\) is full\. Free some space on that disk.*carries on by itself/
    : /the PostgreSQL server's disk is full\. Free some space on the database server's disk.*carries on by itself/;

/** A small tmpfs of its own; `fill` takes every free byte with one file, `free` deletes it. */
class SmallDisk {
  readonly dir = mkdtempSync(join(tmpdir(), "wheelhouse-disk-full-"));
  private mounted = false;
  private readonly filler = join(this.dir, "filler");

  constructor(sizeMb: number) {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0755`, "tmpfs", this.dir]);
    this.mounted = true;
  }

  fill(): void {
    const fd = openSync(this.filler, "a");
    try {
      // Big blocks first, then small ones for the last partial pages, until the disk refuses.
      for (const size of [1 << 20, 4096, 512]) {
        const block = Buffer.alloc(size, 0x5a);
        for (;;) {
          try {
            writeSync(fd, block);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  freeSpace(): void {
    rmSync(this.filler, { force: true });
  }

  remove(): void {
    if (this.mounted) execFileSync("umount", [this.dir]);
    this.mounted = false;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A database whose files live on `location` (a tablespace), on a cluster of its own: a checkpoint
 * flushes every database's dirty pages, so on the suite's shared cluster the full tablespace made
 * other files' CREATE DATABASE fail ("could not write block … No space left on device").
 */
class PostgresOnDisk {
  readonly name = `wh_full_${process.pid}_${Date.now().toString(36)}`;

  constructor(
    private readonly location: string,
    private readonly clusterUrl: string,
  ) {}

  private async admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.clusterUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }

  async create(): Promise<string> {
    // The server runs as `postgres` (scripts/lib/postgres-cluster.ts) and owns its tablespace folder.
    mkdirSync(this.location);
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(this.location, uid, gid);
    await this.admin(async (client) => {
      await client.query(`CREATE TABLESPACE ${this.name} LOCATION '${this.location}'`);
      await client.query(`CREATE DATABASE ${this.name} TABLESPACE ${this.name}`);
    });
    return this.url;
  }

  get url(): string {
    const url = new URL(this.clusterUrl);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  /**
   * A backend starting after the migrations' DDL writes the relation cache's init file into the
   * database's folder; on a full disk that is "FATAL: could not write init file" for any new
   * connection. One connection now writes it while there is room, as a long-running server has.
   */
  async warm(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query("SELECT 1");
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await this.admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
      await client.query(`DROP TABLESPACE IF EXISTS ${this.name}`);
    });
  }
}

describe.runIf(isRoot)("a full disk under the database", () => {
  // The database and what PostgreSQL copies from its template fit in a few MiB; the filler takes the rest.
  let disk: SmallDisk;
  let postgres: PostgresOnDisk | undefined;
  let cluster: PostgresCluster | undefined;
  let portal: Portal;
  let admin: ApiClient;
  let writer: RestClient;
  let unusedKey: RestClient;

  beforeAll(async () => {
    disk = new SmallDisk(kind === "sqlite" ? 24 : 48);
    if (kind === "postgres") {
      // autovacuum off: it would rewrite catalog rows (and so the init file) while the disk is full.
      cluster = await startPostgresCluster({ settings: ["autovacuum=off"] });
      postgres = new PostgresOnDisk(join(disk.dir, "tablespace"), cluster.url);
      portal = await startPortal({ databaseUrl: await postgres.create() });
    } else {
      portal = await startPortal({ dataDir: disk.dir });
    }
    admin = await setUpAdmin(portal.url);
    writer = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    expect((await writer.call("GET", "/me")).status).toBe(200);
    // Never used before the disk fills: its first use writes its last-used time.
    unusedKey = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    // The browser session is due for its daily extension, another write made on the way to a read.
    await sql(portal.databaseUrl, `UPDATE "Session" SET "lastSeenAt" = $1`, [
      kind === "sqlite" ? Date.now() - 2 * 86_400_000 : new Date(Date.now() - 2 * 86_400_000),
    ]);
  });

  afterAll(async () => {
    // The one error line a full disk causes (asserted in the test); any other fails the file.
    // Each step runs even when one before it throws (a failed stop must not leave a tmpfs mounted).
    try {
      await portal?.stop({ expectedErrors: [/"msg":"the database cannot save changes: its disk is full/] });
    } finally {
      try {
        await postgres?.drop();
      } finally {
        cluster?.stop();
        disk?.remove();
      }
    }
  });

  const newUser = (n: number) => ({
    email: `filler-${n}-${Date.now()}@example.com`,
    name: `Filler ${n}`,
    password: "a long enough password",
    role: "viewer",
  });

  it("refuses writes with a 503 that says why, keeps reads working, and recovers by itself", async () => {
    const before = await sql<{ id: string }>(portal.databaseUrl, `SELECT "id" FROM "User" ORDER BY "id"`);
    const auditBefore = await sql<{ id: string }>(portal.databaseUrl, `SELECT "id" FROM "AuditEvent" ORDER BY "id"`);
    const errorsBefore = portal.logs.filter((line) => line.level >= 50).length;
    expect(errorsBefore).toBe(0);

    await postgres?.warm();
    disk.fill();
    const filledAt = Date.now();

    if (kind === "sqlite") {
      // Nobody writes: the probe alone must notice.
      const ready = await waitForUrl(`${portal.url}/health/ready`, (res) => res.status === 503, 10_000);
      expect(Date.now() - filledAt).toBeLessThan(10_000);
      const body = (await ready.json()) as { checks: { database: { error?: string } } };
      expect(body.checks.database.error).toBe(DISK_FULL);
    }

    // REST writes until the database refuses one (SQLite: the first; PostgreSQL: when a table or
    // index needs a page it cannot get). Never a 500.
    const statuses: number[] = [];
    let refused: { status: number; body: { message?: string } } | undefined;
    for (let n = 0; n < 200 && !refused; n++) {
      const res = await writer.call<{ message?: string }>("POST", "/users", newUser(n));
      statuses.push(res.status);
      if (res.status !== 200) refused = res;
    }
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(refused?.status).toBe(503);
    expect(refused?.body.message).toMatch(SENTENCE);

    // The same through tRPC, many times: each a 503 with the sentence, none logged on its own.
    for (let n = 0; n < 20; n++) {
      const res = await admin.mutate("users.create", newUser(1_000 + n));
      expect(res.status).toBe(503);
      expect(res.error?.message).toMatch(SENTENCE);
    }

    // Reads answer although their bookkeeping writes (the key's first use, the session's
    // extension) cannot be saved.
    const apps = await unusedKey.call<{ apps: unknown[] }>("GET", "/apps");
    expect(apps.status).toBe(200);
    const me = await admin.query<{ user: { email: string } }>("account.me");
    expect(me.status).toBe(200);
    expect(me.data?.user.email).toBe(ADMIN.email.toLowerCase());

    // Readiness names the failing check and nothing of the database's own text.
    const ready = await fetch(`${portal.url}/health/ready`);
    expect(ready.status).toBe(503);
    const report = (await ready.json()) as { ok: boolean; checks: Record<string, { ok: boolean; error?: string }> };
    expect(report).toEqual({
      ok: false,
      checks: { database: { ok: false, error: DISK_FULL }, migrations: { ok: true } },
    });

    // One error line for all of it, not one per request.
    const errors = portal.logs.filter((line) => line.level >= 50);
    expect(errors.map((line) => line.msg)).toEqual([
      "the database cannot save changes: its disk is full. Free space on it; writes resume by themselves",
    ]);
    // …and it carries the database's own refusal, which the responses did not.
    expect(JSON.stringify(errors[0])).toContain(kind === "sqlite" ? "SQLITE_FULL" : "53100");

    disk.freeSpace();
    await waitForUrl(`${portal.url}/health/ready`, (res) => res.status === 200, 30_000);
    expect(portal.logs.some((line) => line.msg === "the database can save changes again")).toBe(true);

    const created = await writer.call<{ user: { id: string } }>("POST", "/users", newUser(9_999));
    expect(created.status).toBe(200);
    expect((await admin.mutate("users.create", newUser(9_998))).status).toBe(200);
    expect((await unusedKey.call("GET", "/apps")).status).toBe(200);

    // Nothing written before the disk filled was lost or damaged.
    const after = await sql<{ id: string }>(portal.databaseUrl, `SELECT "id" FROM "User" ORDER BY "id"`);
    expect(after.map((row) => row.id)).toEqual(expect.arrayContaining(before.map((row) => row.id)));
    const auditAfter = await sql<{ id: string }>(portal.databaseUrl, `SELECT "id" FROM "AuditEvent" ORDER BY "id"`);
    expect(auditAfter.map((row) => row.id)).toEqual(expect.arrayContaining(auditBefore.map((row) => row.id)));
    if (kind === "sqlite") {
      const [check] = await sql<{ integrity_check: string }>(portal.databaseUrl, "PRAGMA integrity_check");
      expect(check?.integrity_check).toBe("ok");
    } else {
      // PostgreSQL has no integrity_check; reading every row of every table through its indexes and
      // heap is the nearest: a damaged page fails the read.
      for (const table of ["User", "Membership", "Team", "Session", "ApiKey", "AuditEvent"]) {
        await sql(portal.databaseUrl, `SELECT * FROM "${table}"`);
      }
    }
    // Still only the one error line: recovery is info, and nothing failed after it.
    expect(portal.logs.filter((line) => line.level >= 50)).toHaveLength(1);
  });
});
