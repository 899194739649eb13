// The command line run in-process: usage errors exit 2 with one sentence and send nothing. The
// environment points at 127.0.0.1:9, a port fetch refuses outright, so any request that slipped
// out would end in exit code 4 instead of 2.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppDetail } from "@wheelhouse/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCreateAppInput, buildUpdateAppInput } from "./commands/apps";
import { type DescribeContext, describeApp } from "./commands/status";
import { plain } from "./output/terminal";
import { runCli } from "./program";

let configHome: string;

beforeEach(() => {
  configHome = mkdtempSync(join(tmpdir(), "wheelhouse-program-"));
});

afterEach(() => {
  rmSync(configHome, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    env: {
      XDG_CONFIG_HOME: configHome,
      WHEELHOUSE_URL: "http://127.0.0.1:9",
      WHEELHOUSE_TOKEN: "wh_unit_test_key",
      ...env,
    },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    hostname: "test-box",
    sleep: async () => {},
  });
  return { code, stdout, stderr };
}

const CREATE = ["apps", "create", "billing-api", "--image", "registry.example.com/billing:1.4.2", "--port", "8080"];

describe("usage errors exit 2 before anything is sent", () => {
  it.each([
    [["apps", "create", "Billing_API", "--image", "nginx:1.25", "--port", "80"], /NAME "Billing_API": An app name is/],
    [[...CREATE.slice(0, 4), "Not An Image", "--port", "80"], /--image: An image reference looks like/],
    [[...CREATE.slice(0, 6), "80.5"], /--port: A port is a whole number from 1 to 65535\./],
    [[...CREATE.slice(0, 6), "70000"], /--port: A port is a whole number from 1 to 65535\./],
    [[...CREATE, "--env", "NOEQUALS"], /--env NOEQUALS: "NOEQUALS" is not KEY=VALUE\./],
    [[...CREATE, "--env", "1BAD=x"], /--env 1BAD=x: A variable name is letters, digits and underscores/],
    [[...CREATE, "--env", "PORT=3000"], /Wheelhouse sets PORT for every instance/],
    [[...CREATE, "--env", "A=1", "--env", "A=2"], /--env A is given twice/],
    [[...CREATE, "--env", "TOKEN=1", "--secret", "TOKEN=2"], /TOKEN is given both as --env and as --secret/],
    [[...CREATE, "--domain", "bad domain!"], /--domain: A domain is dot-separated labels/],
    [[...CREATE, "--replicas", "0"], /--replicas: Replicas is a whole number from 1 to 20\./],
    [[...CREATE, "--health", "health"], /--health: A health-check path starts with \//],
    [[...CREATE, "--environment", "dev"], /argument 'dev' is invalid\. Allowed choices are staging, production/],
    [
      [...CREATE, "--pull-policy", "sometimes"],
      /argument 'sometimes' is invalid\. Allowed choices are always, if-not-present, never/,
    ],
    [["apps", "update", "billing-api", "--pull-policy", "Always"], /Allowed choices are always, if-not-present, never/],
    [["apps", "update", "billing-api"], /apps update needs a change: --pull-policy POLICY, --auto-deploy or --no-auto/],
    [["apps", "update", "Billing", "--auto-deploy"], /NAME "Billing": An app name is/],
    [CREATE.slice(0, 5), /required option '--port <port>' not specified/],
    [["deploy", "billing-api", "--image", "UPPER:case"], /--image: An image reference looks like/],
    [["rollback", "billing-api", "--to", "zero"], /--to "zero": A release number is a whole number from 1/],
    [["rollback", "billing-api", "--to", "0"], /--to "0": A release number is a whole number from 1/],
    [["deploy", "billing-api", "--reason", "x".repeat(501)], /--reason: A reason is at most 500 characters/],
    [["rollback", "billing-api"], /required option '--to <release>' not specified/],
    [["maintenance", "billing-api", "maybe"], /Allowed choices are on, off/],
    [["users", "create", "not-an-email", "--role", "admin", "--password", "long enough pass"], /EMAIL: Enter an email/],
    [["users", "create", "ada@example.com", "--role", "god", "--password", "long enough pass"], /Allowed choices are/],
    [["users", "create", "ada@example.com", "--role", "admin", "--password", "short"], /--password: Use at least 12/],
    [["status", "billing-api", "extra"], /too many arguments/],
    [["apps", "list", "--bogus"], /unknown option '--bogus'/],
    [["deploi", "billing-api"], /unknown command 'deploi'/],
    [["login", "--token", "wh_x", "--email", "ada@example.com"], /either --token or --email with --password/],
    [["login"], /login needs --token KEY, or --email EMAIL with --password PASSWORD/],
    [["login", "--email", "ada@example.com"], /--email and --password go together/],
    [["login", "--url", "ftp://portal", "--token", "wh_x"], /--url "ftp:\/\/portal" must start with http/],
  ])("wheelhouse %j", async (argv, message) => {
    const result = await run(argv);

    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses a malformed WHEELHOUSE_URL with a sentence that names it", async () => {
    const result = await run(["apps", "list"], { WHEELHOUSE_URL: "portal.example.com" });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'wheelhouse: WHEELHOUSE_URL "portal.example.com" is not a URL; use the portal\'s address, e.g. https://wheelhouse.example.com.\n',
    );
  });
});

describe("the rest of the exit-code contract", () => {
  it("exits 0 for --help and --version, and 2 for a bare command group", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");

    expect(await run(["--version"])).toMatchObject({ code: 0, stdout: "0.1.0\n" });
    expect((await run(["apps"])).code).toBe(2);
  });

  it("exits 3 with how to log in when there is no key", async () => {
    const result = await run(["apps", "list"], { WHEELHOUSE_TOKEN: "" });

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^wheelhouse: Not logged in: run wheelhouse login/);
  });

  it("reaches the network only once arguments are valid (exit 4 here)", async () => {
    const result = await run(["apps", "list"]);

    expect(result.code).toBe(4);
    expect(result.stderr).toContain("Could not reach the portal at http://127.0.0.1:9");
    expect(result.stderr).not.toContain("wh_unit_test_key");
  });
});

describe("apps create's request", () => {
  it("holds the parsed values: domains lower-cased, variables as maps, defaults filled in", () => {
    const input = buildCreateAppInput("billing-api", {
      image: "registry.example.com/billing:1.4.2",
      port: "8080",
      environment: "production",
      domain: ["Billing.Example.com"],
      host: [],
      env: ["LOG_LEVEL=info", "GREETING=a=b"],
      secret: ["DATABASE_URL=postgres://db/billing"],
    });

    expect(input).toMatchObject({
      name: "billing-api",
      environment: "production",
      port: 8080,
      healthPath: "/health",
      replicas: 1,
      hosts: [],
      domains: ["billing.example.com"],
      env: { LOG_LEVEL: "info", GREETING: "a=b" },
      secrets: { DATABASE_URL: "postgres://db/billing" },
    });
  });
});

describe("pull policy and auto-deploy flags", () => {
  const base = {
    image: "127.0.0.1:5055/shop:latest",
    port: "8080",
    environment: "staging" as const,
    domain: [],
    host: [],
    env: [],
    secret: [],
  };

  it("leave the portal's defaults when not given: always, auto-deploy off", () => {
    expect(buildCreateAppInput("shop", base)).toMatchObject({ pullPolicy: "always", autoDeploy: false });
  });

  it("carry the chosen values into create and update requests", () => {
    expect(buildCreateAppInput("shop", { ...base, pullPolicy: "never", autoDeploy: true })).toMatchObject({
      pullPolicy: "never",
      autoDeploy: true,
    });
    expect(buildUpdateAppInput({ autoDeploy: false })).toEqual({ autoDeploy: false });
    expect(buildUpdateAppInput({ pullPolicy: "if-not-present" })).toEqual({ pullPolicy: "if-not-present" });
  });
});

describe("health-check flags", () => {
  const base = {
    image: "registry.example.com/api:2.0",
    port: "8080",
    environment: "staging" as const,
    domain: [],
    host: [],
    env: [],
    secret: [],
  };

  it("leave the portal's defaults when not given: no probe port, no liveness, every 10 s, 2 s, 3 and 2", () => {
    expect(buildCreateAppInput("api", base)).toMatchObject({
      probePort: null,
      livenessPath: null,
      healthIntervalSeconds: 10,
      healthProbeTimeoutSeconds: 2,
      healthFailureThreshold: 3,
      healthSuccessThreshold: 2,
      metricsPath: null,
      metricsPort: null,
    });
  });

  it("carry seed 000's layout into a create request: probes and metrics on a port of their own", () => {
    const input = buildCreateAppInput("api", {
      ...base,
      health: "/ready",
      probePort: "9090",
      livenessPath: "/live",
      healthInterval: "5",
      probeTimeout: "1",
      failureThreshold: "4",
      successThreshold: "1",
      metricsPath: "/metrics",
      metricsPort: "9090",
    });
    expect(input).toMatchObject({
      healthPath: "/ready",
      probePort: 9090,
      livenessPath: "/live",
      healthIntervalSeconds: 5,
      healthProbeTimeoutSeconds: 1,
      healthFailureThreshold: 4,
      healthSuccessThreshold: 1,
      metricsPath: "/metrics",
      metricsPort: 9090,
    });
  });

  it("send only what was given on update, and `none` clears a setting", () => {
    expect(buildUpdateAppInput({ livenessPath: "none", healthInterval: "30" })).toEqual({
      livenessPath: null,
      healthIntervalSeconds: 30,
    });
  });

  it.each([
    [
      ["--probe-timeout", "0"],
      /^wheelhouse: --probe-timeout: The probe timeout is a whole number of seconds from 1 to 60\./,
    ],
    [
      ["--health-interval", "301"],
      /^wheelhouse: --health-interval: The probe interval is a whole number of seconds from 1 to 300\./,
    ],
    [["--liveness-path", "live"], /^wheelhouse: --liveness-path: A probe path starts with \//],
    [
      ["--failure-threshold", "three"],
      /^wheelhouse: --failure-threshold: The failure threshold is a whole number from 1 to 20\./,
    ],
  ])("refuse %j before sending anything", async (flags, message) => {
    const result = await run([...CREATE, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});

describe("status of an app with live health", () => {
  it("shows the probe settings, when each instance was probed, and why one is not ready", async () => {
    const now = Date.parse("2026-12-01T10:00:00Z");
    const detail = {
      ...STATUS_APP,
      instances: [
        {
          ...STATUS_INSTANCE,
          id: "i1",
          containerName: "wh-api-r1-aaaa",
          probedAt: new Date(now - 5_000).toISOString(),
        },
        {
          ...STATUS_INSTANCE,
          id: "i2",
          containerName: "wh-api-r1-bbbb",
          status: "Unhealthy" as const,
          probeHealthy: false,
          probeReason: "GET /ready on 127.0.0.1:32768 answered 404",
          probedAt: new Date(now - 60_000).toISOString(),
        },
      ],
    };
    const text = describeApp(detail, plainContext(now));
    expect(text).toContain(
      "Health:      probes /ready and /live (liveness) on port 9090 every 1 s (timeout 1 s; Unhealthy after 3 failures, Healthy after 2 passes)",
    );
    const rows = text.split("\n");
    expect(rows.find((row) => row.includes("wh-api-r1-aaaa"))).toMatch(/Healthy\s+5 s ago\s+-$/);
    expect(rows.find((row) => row.includes("wh-api-r1-bbbb"))).toMatch(
      /Unhealthy\s+1 min ago\s+not ready: GET \/ready on 127\.0\.0\.1:32768 answered 404$/,
    );
  });
});

function plainContext(now: number): DescribeContext {
  return { now: () => new Date(now), terminal: { paint: plain } };
}

const STATUS_APP: Omit<AppDetail, "instances"> = {
  id: "app_api",
  name: "api",
  environment: "production",
  image: "registry.example.com/api:2.0",
  port: 8080,
  healthPath: "/ready",
  healthTimeoutSeconds: 30,
  probePort: 9090,
  livenessPath: "/live",
  healthIntervalSeconds: 1,
  healthProbeTimeoutSeconds: 1,
  healthFailureThreshold: 3,
  healthSuccessThreshold: 2,
  metricsPath: "/metrics",
  metricsPort: 9090,
  replicas: 2,
  network: "published",
  restartPolicy: "unless-stopped",
  pullPolicy: "always",
  autoDeploy: false,
  domains: ["api.example.com"],
  hosts: [{ id: "host_1", name: "edge-1" }],
  env: {},
  secretKeys: [],
  maintenance: false,
  httpsRedirect: false,
  hsts: false,
  status: "Live",
  liveRelease: null,
  lastDeployment: null,
  createdAt: "2026-11-30T10:00:00Z",
};

const STATUS_INSTANCE: AppDetail["instances"][number] = {
  id: "i0",
  hostName: "edge-1",
  containerId: "c".repeat(64),
  containerName: "wh-api-r1-0000",
  hostPort: 20_001,
  probeHostPort: 20_002,
  releaseNumber: 1,
  status: "Healthy",
  failureReason: null,
  probeHealthy: true,
  probeReason: null,
  probedAt: null,
};
