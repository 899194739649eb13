// Start-up: refused settings name themselves and the fix; the database can come and go.

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrations } from "../../apps/web/src/server/db/migrations/migration-files.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { sql } from "../support/database.ts";
import {
  createPostgresDatabase,
  type Portal,
  spawnPortal,
  startPortal,
  testDatabaseKind,
  waitForUrl,
} from "../support/portal.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wheelhouse-startup-"));
  dirs.push(dir);
  return dir;
}

/** Runs the portal until it exits; returns its exit code and what it wrote to stderr. */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawnPortal({ HOST: "127.0.0.1", DATA_DIR: tempDir(), ...env });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, stderr };
}

describe("refused settings", () => {
  it("a taken port stops the process with a sentence naming the port", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const { code, stderr } = await runUntilExit({ PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} is already in use`);
      expect(stderr).toMatch(/set PORT to a free port/);
    } finally {
      blocker.close();
    }
  });

  it("a malformed DATABASE_URL stops the process with a sentence naming DATABASE_URL", async () => {
    const { code, stderr } = await runUntilExit({
      PORT: String(await freePort()),
      DATABASE_URL: "mysql://root@localhost/db",
    });
    expect(code).toBe(1);
    expect(stderr).toContain('DATABASE_URL="mysql://root@localhost/db" is not valid');
    expect(stderr).toMatch(/postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/);
  });

  it("several bad settings are all named at once", async () => {
    const { code, stderr } = await runUntilExit({
      PORT: "eighty",
      LOG_LEVEL: "loud",
      WHEELHOUSE_ADMIN_EMAIL: "a@example.com",
    });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT="eighty" is not valid');
    expect(stderr).toContain('LOG_LEVEL="loud" is not valid');
    expect(stderr).toContain("WHEELHOUSE_ADMIN_EMAIL and WHEELHOUSE_ADMIN_PASSWORD go together");
  });

  it.runIf(testDatabaseKind() === "postgres")(
    "a PostgreSQL database that does not exist stops the process naming DATABASE_URL",
    async () => {
      const url = new URL(await createPostgresDatabase());
      url.pathname = "/no_such_database";
      const { code, stderr } = await runUntilExit({ PORT: String(await freePort()), DATABASE_URL: url.toString() });
      expect(code).toBe(1);
      expect(stderr).toContain("DATABASE_URL: the database named in DATABASE_URL does not exist");
    },
  );
});

describe("first admin from the environment", () => {
  it("WHEELHOUSE_ADMIN_EMAIL/PASSWORD create the admin without the UI", async () => {
    const portal = await startPortal({
      env: { WHEELHOUSE_ADMIN_EMAIL: "Boot@Example.com", WHEELHOUSE_ADMIN_PASSWORD: "bootstrap-password" },
    });
    try {
      const res = await fetch(`${portal.url}/api/trpc/auth.signIn`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "boot@example.com", password: "bootstrap-password" }),
      });
      expect(res.status).toBe(200);
      const status = await (await fetch(`${portal.url}/api/trpc/auth.status`)).json();
      expect(status.result.data.setupRequired).toBe(false);
    } finally {
      await portal.stop();
    }
  });
});

describe("migrations", () => {
  it("two portals started at once on one empty database both come up, and each migration is applied once", async () => {
    const dataDir = tempDir();
    const databaseUrl =
      testDatabaseKind() === "postgres" ? await createPostgresDatabase() : `file:${join(dataDir, "shared.db")}`;
    const portals: Portal[] = await Promise.all([startPortal({ databaseUrl }), startPortal({ databaseUrl })]);
    try {
      const rows = await sql<{ migration_name: string; checksum: string; finished_at: unknown }>(
        databaseUrl,
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      const files = readMigrations(testDatabaseKind() === "postgres" ? "postgresql" : "sqlite");
      expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
      expect(rows.map((r) => r.checksum)).toEqual(files.map((f) => f.checksum));
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
      const appliedBy = portals.map(
        (p) => p.logs.find((l) => l.msg === "database schema is current")?.applied as string[],
      );
      expect(appliedBy.map((a) => a.length).sort()).toEqual([0, files.length]);
    } finally {
      await Promise.all(portals.map((p) => p.stop()));
    }
  });
});

describe.runIf(testDatabaseKind() === "postgres")("readiness while the database comes and goes", () => {
  it("is 503 naming the database while it is down, and 200 again when it returns, without a restart", async () => {
    const cluster = await startPostgresCluster();
    let portal: Portal | undefined;
    try {
      portal = await startPortal({ databaseUrl: cluster.url });
      expect((await fetch(`${portal.url}/health/ready`)).status).toBe(200);

      cluster.pause();
      const down = await waitForUrl(`${portal.url}/health/ready`, (res) => res.status === 503, 15_000);
      const body = await down.json();
      expect(body.ok).toBe(false);
      expect(body.checks.database.ok).toBe(false);
      // Only which check fails: the database's own error text is for the log, not anonymous callers.
      expect(body.checks.database.error).toBe("database: unreachable");
      expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|connect|127\.0\.0\.1/);
      expect((await fetch(`${portal.url}/health`)).status).toBe(200);

      cluster.start();
      await waitForUrl(`${portal.url}/health/ready`, (res) => res.status === 200, 20_000);
      const pid = portal.process.pid;
      expect(portal.process.exitCode).toBeNull();
      expect(pid).toBeDefined();
    } finally {
      // The portal's pool logs the lost connections as errors while the database is down: expected here.
      await portal?.stop();
      cluster.stop();
    }
  });

  it("starts while the database is down, and becomes ready once it is up", async () => {
    const cluster = await startPostgresCluster();
    cluster.pause();
    let portal: Portal | undefined;
    try {
      portal = await startPortal({ databaseUrl: cluster.url, waitFor: "live" });
      const res = await fetch(`${portal.url}/health/ready`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.checks).toEqual({
        database: { ok: false, error: "database: unreachable" },
        migrations: { ok: false, error: "migrations: pending" },
      });
      cluster.start();
      await waitForUrl(`${portal.url}/health/ready`, (r) => r.status === 200, 30_000);
    } finally {
      await portal?.stop();
      cluster.stop();
    }
  });
});
