// Contract test of the `wheelhouse` CLI: runs the real CLI (node bin/wheelhouse.mjs, a child
// process with its own XDG_CONFIG_HOME) against an in-process node:http stand-in for the portal's
// REST API (stand-in-portal.ts: canned data in the shapes of @wheelhouse/shared). It pins what the
// CLI sends and how it reports answers and exit codes. The end-to-end CLI test against the real
// portal lives in tests/integration (written separately).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeStoredCredentials } from "../config/credentials";
import { CANNED_APPS, STAND_IN, type StandInPortal, startStandInPortal } from "./stand-in-portal";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "wheelhouse.mjs");
const TIMEOUT = 30_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let portal: StandInPortal;
let home: string;
let configHome: string;

function runCli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: configHome, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function logIn(): void {
  writeStoredCredentials(join(configHome, "wheelhouse"), { url: portal.url, token: STAND_IN.token });
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  await new Promise((resolve) => server.close(resolve));
  return address.port;
}

beforeAll(async () => {
  portal = await startStandInPortal();
});

afterAll(async () => {
  await portal.close();
});

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "wheelhouse-cli-"));
  configHome = join(home, "config");
  portal.requests.length = 0;
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("wheelhouse CLI against a stand-in portal", () => {
  it(
    "login with email and password mints a key, stores it with mode 0600 and never prints it",
    async () => {
      const run = await runCli([
        "login",
        "--url",
        `${portal.url}/`,
        "--email",
        STAND_IN.email,
        "--password",
        STAND_IN.password,
      ]);

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Logged in to ${portal.url} as Ada Lovelace <ada@example.com>`);
      expect(run.stdout).not.toContain(STAND_IN.token);
      const [signIn, me] = portal.requests;
      expect(signIn).toMatchObject({
        method: "POST",
        path: "/api/v1/auth/api-keys/password",
        authorization: undefined,
        body: { email: STAND_IN.email, password: STAND_IN.password, name: `cli on ${hostname()}`.slice(0, 80) },
      });
      expect(me).toMatchObject({ method: "GET", path: "/api/v1/me", authorization: `Bearer ${STAND_IN.token}` });

      const file = join(configHome, "wheelhouse", "credentials.json");
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ url: portal.url, token: STAND_IN.token });
    },
    TIMEOUT,
  );

  it(
    "login with a wrong password exits 3 with the portal's message and stores nothing",
    async () => {
      const run = await runCli(["login", "--url", portal.url, "--email", STAND_IN.email, "--password", "wrong one"]);

      expect(run.code).toBe(3);
      expect(run.stderr).toBe("wheelhouse: The portal refused the sign-in: Wrong email or password.\n");
      expect(() => statSync(join(configHome, "wheelhouse", "credentials.json"))).toThrow();
    },
    TIMEOUT,
  );

  it(
    "apps list --json prints exactly the apps array",
    async () => {
      logIn();
      const run = await runCli(["apps", "list", "--json"]);

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(CANNED_APPS);
      expect(portal.requests.map((request) => request.authorization)).toEqual([`Bearer ${STAND_IN.token}`]);
    },
    TIMEOUT,
  );

  it(
    "deploy --wait prints each transition once with the log, then exits 0 when Live",
    async () => {
      logIn();
      const run = await runCli([
        "deploy",
        "billing-api",
        "--image",
        "registry.example.com/billing:1.4.3",
        "--reason",
        "ship it",
        "--wait",
      ]);

      expect(run.code).toBe(0);
      expect(portal.requests[0]).toMatchObject({
        method: "POST",
        path: "/api/v1/apps/billing-api/deployments",
        body: { image: "registry.example.com/billing:1.4.3", reason: "ship it" },
      });
      const timeline = run.stderr.split("\n").slice(1, -1);
      expect(timeline).toEqual([
        "Queued…",
        "Pulling…",
        "    pulling registry.example.com/billing:1.4.3",
        "    digest sha256:9f86d08",
        "Starting…",
        "    started container billing-api-4-1 on port 20001",
        "HealthChecking…",
        "    GET /health answered 200",
        "Live (12.3 s)",
        "    nginx now routes billing.example.com to release 4",
      ]);
      expect(run.stderr).not.toContain("\u001b[");
      expect(run.stdout).toBe("billing-api release 4 (registry.example.com/billing:1.4.3) is live in 12.3 s.\n");
      const logRequests = portal.requests.filter((request) => request.path.includes("/log"));
      expect(logRequests.at(-1)?.path).toMatch(/\?after=[1-9]\d*$/);
    },
    TIMEOUT,
  );

  it(
    "deploy --wait exits 1 with the failure reason when the deployment fails",
    async () => {
      logIn();
      const run = await runCli(["deploy", "broken-app", "--wait"]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("    GET /health answered 500\n");
      expect(run.stderr).toContain("Failed (9.0 s)\n");
      expect(run.stderr.trimEnd().split("\n").at(-1)).toMatch(
        /^wheelhouse: Deployment dep_\d+ of broken-app failed: The health check GET \/health answered 500 three times in a row; the previous release keeps serving\.$/,
      );
    },
    TIMEOUT,
  );

  it(
    "a refused key exits 3, and WHEELHOUSE_TOKEN wins over the stored key",
    async () => {
      logIn();
      const run = await runCli(["apps", "list"], { WHEELHOUSE_TOKEN: "wh_revoked_key_000000000000" });

      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("The portal refused the API key from WHEELHOUSE_TOKEN");
      expect(run.stderr).toContain("This API key is not valid (revoked or mistyped)");
      expect(run.stderr).not.toContain("wh_revoked_key");
      expect(portal.requests.map((request) => request.authorization)).toEqual(["Bearer wh_revoked_key_000000000000"]);
    },
    TIMEOUT,
  );

  it(
    "an unreachable portal exits 4 and names the URL",
    async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      const run = await runCli(["status", "billing-api"], { WHEELHOUSE_URL: url, WHEELHOUSE_TOKEN: STAND_IN.token });

      expect(run.code).toBe(4);
      expect(run.stderr).toContain(`Could not reach the portal at ${url} (connection refused)`);
      expect(run.stderr).not.toContain(STAND_IN.token);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
    TIMEOUT,
  );

  it(
    "an unknown app exits 1 with the portal's message",
    async () => {
      logIn();
      const run = await runCli(["status", "ghost"]);

      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe("wheelhouse: No app named ghost in your team.\n");
    },
    TIMEOUT,
  );
});
