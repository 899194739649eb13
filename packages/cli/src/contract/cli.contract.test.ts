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
import {
  CANNED_APPS,
  CANNED_REGISTRY_LOGINS,
  STAND_IN,
  type StandInPortal,
  startStandInPortal,
} from "./stand-in-portal";

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

/** `input`, when given, is piped to the CLI's standard input (`--password-stdin`). */
function runCli(args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_CONFIG_HOME: configHome, ...extraEnv },
      stdio: ["pipe", "pipe", "pipe"],
    });
    // Ended at once, so a command that reads it sees the input (or nothing) and then its end.
    child.stdin.end(input ?? "");
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
    "apps create sends --pull-policy and --auto-deploy, and --json prints the app with them",
    async () => {
      logIn();
      const run = await runCli([
        "apps",
        "create",
        "shop",
        "--image",
        "127.0.0.1:5055/shop:latest",
        "--port",
        "8080",
        "--pull-policy",
        "never",
        "--auto-deploy",
        "--json",
      ]);

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(portal.requests[0]).toMatchObject({
        method: "POST",
        path: "/api/v1/apps",
        body: { name: "shop", image: "127.0.0.1:5055/shop:latest", pullPolicy: "never", autoDeploy: true },
      });
      expect(JSON.parse(run.stdout)).toMatchObject({ name: "shop", pullPolicy: "never", autoDeploy: true });
    },
    TIMEOUT,
  );

  it(
    "apps update changes only the flags given, with PATCH, and says what was saved",
    async () => {
      logIn();
      const run = await runCli([
        "apps",
        "update",
        "billing-api",
        "--pull-policy",
        "if-not-present",
        "--no-auto-deploy",
      ]);

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(portal.requests).toHaveLength(1);
      expect(portal.requests[0]).toMatchObject({ method: "PATCH", path: "/api/v1/apps/billing-api" });
      expect(portal.requests[0]?.body).toEqual({ pullPolicy: "if-not-present", autoDeploy: false });
      expect(run.stdout).toBe("Saved billing-api: pull policy if-not-present, auto-deploy on push off.\n");
    },
    TIMEOUT,
  );

  it(
    "releases and status show the sha256 part of a repository digest, not its registry",
    async () => {
      logIn();
      const releases = await runCli(["releases", "billing-api"]);
      const status = await runCli(["status", "billing-api"]);

      expect(releases.code).toBe(0);
      const rows = releases.stdout.trimEnd().split("\n");
      expect(rows[0]).toMatch(/^#\s+LIVE\s+IMAGE\s+DIGEST\s+BY/);
      expect(rows[1]).toContain(" sha256:333333333333… ");
      expect(rows[3]).toContain(" sha256:111111111111… ");
      expect(releases.stdout).not.toMatch(/registry\.example\.com\/billing@/);

      expect(status.code).toBe(0);
      expect(status.stdout).toContain("(registry.example.com/billing:1.4.2, sha256:333333333333…) by ada@example.com");
      expect(status.stdout).toContain("Pull policy: always\n");
      expect(status.stdout).toContain("Auto-deploy: off\n");
    },
    TIMEOUT,
  );

  it(
    "registries add sends the password from stdin in the body only, and never prints it",
    async () => {
      logIn();
      const password = "ghp_Secret-Token-From-Stdin";
      const run = await runCli(
        ["registries", "add", "GHCR.io", "--username", "ci-bot", "--password-stdin"],
        {},
        `${password}\n`,
      );

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(portal.requests).toEqual([
        expect.objectContaining({
          method: "POST",
          path: "/api/v1/registries",
          body: { host: "ghcr.io", username: "ci-bot", password },
        }),
      ]);
      expect(run.stdout).toBe(
        "Replaced the team's login for ghcr.io as ci-bot; deploys pulling from ghcr.io use it from now on.\n",
      );
    },
    TIMEOUT,
  );

  it(
    "registries list --json prints exactly the logins, and remove sends the host in the path",
    async () => {
      logIn();
      const listed = await runCli(["registries", "list", "--json"]);
      const table = await runCli(["registries", "list"]);
      const removed = await runCli(["registries", "remove", "127.0.0.1:5055"]);
      const unknown = await runCli(["registries", "remove", "quay.io"]);

      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual(CANNED_REGISTRY_LOGINS);
      expect(table.stdout.split("\n")[0]).toMatch(/^HOST\s+USER\s+ADDED BY\s+ADDED$/);
      // The stand-in's dates are fixed and the clock is not: only that a time is shown.
      expect(table.stdout).toMatch(/127\.0\.0\.1:5055\s+deploy\s+unknown\s+\d+ \w+ ago\n/);
      expect(removed.code).toBe(0);
      expect(removed.stdout).toBe("Removed the team's login for 127.0.0.1:5055; pulls from it now go without one.\n");
      expect(portal.requests.at(-2)).toMatchObject({ method: "DELETE", path: "/api/v1/registries/127.0.0.1%3A5055" });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toBe("wheelhouse: Your team has no registry login for quay.io.\n");
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
