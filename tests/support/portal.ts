// Starts a real portal process for a test: its own port, its own data directory and its own
// database (a fresh SQLite file, or a fresh database on the suite's PostgreSQL cluster).
// The portal's JSON log is kept; an error-level line the test did not expect fails the test.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "../../scripts/lib/free-port.ts";
import { collectJsonLines, type LogLine } from "./json-lines.ts";

export type { LogLine };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const mainScript = join(repoRoot, "apps", "web", "src", "server", "main.ts");

export type DatabaseKind = "sqlite" | "postgres";

/** Which database this run of the suite uses: `WHEELHOUSE_TEST_DB=postgres` (set by npm test) or SQLite. */
export function testDatabaseKind(): DatabaseKind {
  return process.env.WHEELHOUSE_TEST_DB === "postgres" ? "postgres" : "sqlite";
}

/** The suite's PostgreSQL server (started by tests/support/global-setup.ts). */
export function clusterUrl(): string {
  const url = process.env.WHEELHOUSE_TEST_PG_URL;
  if (!url)
    throw new Error(
      "WHEELHOUSE_TEST_PG_URL is not set: run the integration suite through vitest (global setup starts PostgreSQL).",
    );
  return url;
}

/** An empty database of its own on the suite's cluster; returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const name = `wh_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: clusterUrl() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Portal {
  url: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  process: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  /** Stops the process, removes its data directory (unless kept, for a restart), and fails if it logged an unexpected error. */
  stop(options?: { allowErrors?: boolean; keepData?: boolean }): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  databaseUrl?: string;
  /** Resolve once /health answers instead of waiting for /health/ready. */
  waitFor?: "ready" | "live";
  port?: number;
  dataDir?: string;
}

export function spawnPortal(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", mainScript], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export async function waitFor(
  url: string,
  predicate: (res: Response) => boolean,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`the portal exited with code ${child.exitCode} before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (predicate(res)) return res;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer as expected within ${timeoutMs} ms (last: ${last})`);
}

export async function startPortal(options: StartOptions = {}): Promise<Portal> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "wheelhouse-test-"));
  const databaseUrl =
    options.databaseUrl ??
    (testDatabaseKind() === "postgres" ? await createPostgresDatabase() : `file:${join(dataDir, "wheelhouse.db")}`);
  const port = options.port ?? (await freePort());
  // PUBLIC_URL on 127.0.0.1, as the tests reach it: "localhost" may resolve to ::1 first.
  const child = spawnPortal({
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ...options.env,
  });
  const logs: LogLine[] = [];
  let stderr = "";
  collectJsonLines(child.stdout, logs);
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const portal: Portal = {
    url,
    port,
    dataDir,
    databaseUrl,
    process: child,
    logs,
    stderr: () => stderr,
    async stop({ allowErrors = false, keepData = false } = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8_000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      if (!options.dataDir && !keepData) rmSync(dataDir, { recursive: true, force: true });
      const errors = logs.filter((line) => line.level >= 50);
      if (!allowErrors && errors.length > 0) {
        throw new Error(`the portal logged unexpected errors:\n${errors.map((e) => JSON.stringify(e)).join("\n")}`);
      }
    },
  };
  try {
    if (options.waitFor === "live") await waitFor(`${url}/health`, (res) => res.ok, 30_000, child);
    else await waitFor(`${url}/health/ready`, (res) => res.ok, 60_000, child);
  } catch (error) {
    await portal.stop({ allowErrors: true });
    throw new Error(
      `${(error as Error).message}\nstderr:\n${stderr}\nlog:\n${logs.map((l) => JSON.stringify(l)).join("\n")}`,
    );
  }
  return portal;
}
