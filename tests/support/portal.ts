// Starts a real portal process for a test: its own port, its own data directory and its own
// database (a fresh SQLite file, or a fresh database on the suite's PostgreSQL cluster).
// The portal's JSON log is kept; an error-level line the test did not expect fails the test.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "../../scripts/lib/free-port.ts";
import { collectJsonLines, type LogLine } from "./json-lines.ts";
import { waitFor } from "./wait-for.ts";

export type { LogLine };

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const mainScript = join(repoRoot, "apps", "web", "src", "server", "main.ts");
const TEST_DATA_PREFIX = "wheelhouse-test-";

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
  /**
   * Stops the process, removes its data directory (unless kept, for a restart), and fails if it
   * logged an error-level line that no pattern of `expectedErrors` matches (each is tested against
   * the line's JSON text, so it may name `msg`, `err.message` or any field).
   */
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /**
   * The errors this test provokes on purpose. A pattern that matches nothing is no failure: some
   * are logged only when a race goes one way (a command lost as the agent is killed).
   */
  expectedErrors?: readonly RegExp[];
  keepData?: boolean;
}

/**
 * For the benchmarks only: they measure speed, and a logged error never failed one. A test names
 * the errors it provokes instead.
 */
export const ANY_ERROR: readonly RegExp[] = [/./];

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
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "info",
      // Tests talk to loopback only: a certificate asked for without a test's own pebble goes to a
      // closed local port and fails there, never to Let's Encrypt.
      ACME_DIRECTORY_URL: "https://127.0.0.1:9/directory",
      // The suites' admins sign in with a password alone; second-factor.int.test.ts starts its portal
      // with the product's default (admins must enrol) by passing SECOND_FACTOR_DEFAULT_ROLES=admin.
      SECOND_FACTOR_DEFAULT_ROLES: "none",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Fetches `url` until `predicate` accepts the answer; gives up at once if `child` exits meanwhile. */
export async function waitForUrl(
  url: string,
  predicate: (res: Response) => boolean,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<Response> {
  return waitFor(() => fetch(url, { signal: AbortSignal.timeout(3_000) }), {
    what: `${url} to answer as expected`,
    timeoutMs,
    until: predicate,
    giveUpIf: () => (child && child.exitCode !== null ? `the portal exited with code ${child.exitCode}` : undefined),
  });
}

/** Whether a logged error-level line is one the test said it expects. */
function isExpected(line: LogLine, expected: readonly RegExp[]): boolean {
  const text = JSON.stringify(line);
  return expected.some((pattern) => pattern.test(text));
}

/** A folder startPortal made (a test passing its own folder, such as a small disk, keeps it). */
function isTestDataDir(path: string): boolean {
  return dirname(path) === tmpdir() && basename(path).startsWith(TEST_DATA_PREFIX);
}

export async function startPortal(options: StartOptions = {}): Promise<Portal> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), TEST_DATA_PREFIX));
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
  const shutDown = async (keepData: boolean) => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 8_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    // A restarted portal is given the first one's folder: the last one stopped removes it.
    if (!keepData && (!options.dataDir || isTestDataDir(dataDir))) rmSync(dataDir, { recursive: true, force: true });
  };
  const portal: Portal = {
    url,
    port,
    dataDir,
    databaseUrl,
    process: child,
    logs,
    stderr: () => stderr,
    async stop({ expectedErrors = [], keepData = false } = {}) {
      await shutDown(keepData);
      const unexpected = logs.filter((line) => line.level >= 50 && !isExpected(line, expectedErrors));
      if (unexpected.length > 0) {
        throw new Error(`the portal logged unexpected errors:\n${unexpected.map((e) => JSON.stringify(e)).join("\n")}`);
      }
    },
  };
  try {
    if (options.waitFor === "live") await waitForUrl(`${url}/health`, (res) => res.ok, 30_000, child);
    else await waitForUrl(`${url}/health/ready`, (res) => res.ok, 60_000, child);
  } catch (error) {
    // Its log goes into the error below, errors and all.
    await shutDown(false);
    throw new Error(
      `${(error as Error).message}\nstderr:\n${stderr}\nlog:\n${logs.map((l) => JSON.stringify(l)).join("\n")}`,
    );
  }
  return portal;
}
