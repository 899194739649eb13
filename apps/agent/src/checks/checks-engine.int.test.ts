// The checks that look at an app, against the real Docker engine and a real managed nginx: a
// container that exits at start, an app whose upstream holds only the placeholder (nginx answers
// 502), a health path that stops answering on one instance, and the app container's files,
// processes and resources. The instances are the agent's own (startInstance), labelled for clean-up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentCheck, CheckAppContext, CheckResult } from "@wheelhouse/shared";
import Docker from "dockerode";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../../scripts/lib/free-port.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeTestContainers,
  runDocker,
  TEST_APP_CRASH_CODE,
  TEST_APP_CRASH_LINE,
  testAppImage,
} from "../../../../tests/support/docker.ts";
import { requestWithHost } from "../../../../tests/support/nginx.ts";
import { waitForUrl } from "../../../../tests/support/portal.ts";
import { waitFor } from "../../../../tests/support/wait-for.ts";
import { TEST_CONTAINER_PORT, testSettings, testSpec } from "../apps/instance-spec.fixture";
import { startInstance } from "../apps/instances";
import { NginxManager } from "../nginx/nginx-manager";
import { runCheck } from "./run-check";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const root = mkdtempSync(join(tmpdir(), "wheelhouse-checks-engine-"));
/** Log lines at error level or above: a test that logs one fails. */
const errorLines: string[] = [];
const logger = pino(
  { level: "warn" },
  {
    write(line: string) {
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
    },
  },
);
let nginxPort: number;
let nginx: NginxManager;
const settings = testSettings({ first: 24_000, last: 24_499 });

function check(
  kind: AgentCheck["kind"],
  params: Record<string, unknown>,
  app: CheckAppContext | null,
): Promise<CheckResult> {
  return runCheck({ docker, nginx }, { check: { kind, params }, app });
}

function context(appId: string, instances: { containerId: string; hostPort: number }[]): CheckAppContext {
  return {
    appId,
    appName: "test-app",
    containerPort: TEST_CONTAINER_PORT,
    readinessPath: "/health",
    livenessPath: null,
    metricsPath: null,
    instances: instances.map(({ containerId, hostPort }) => ({
      containerId,
      hostPort,
      probeHostPort: null,
      metricsHostPort: null,
    })),
  };
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all([ensureTestAppImage("v1"), ensureTestAppImage("crash")]);
  nginxPort = await freePort();
  nginx = new NginxManager(
    {
      mode: "managed",
      binary: "nginx",
      httpPort: nginxPort,
      httpsPort: 1,
      prefixDir: join(root, "nginx"),
      systemSitesDir: join(root, "unused"),
    },
    logger,
  );
  await nginx.start();
}, 120_000);

afterAll(async () => {
  await nginx.stopManaged();
  await removeTestContainers();
  rmSync(root, { recursive: true, force: true });
  expect(errorLines).toEqual([]);
});

describe("container.state", () => {
  it("shows the exit code and the last log lines of a container that exits at start", async () => {
    const spec = testSpec(testAppImage("crash"));
    const started = await startInstance(docker, spec, settings);
    await waitFor(() => runDocker(["inspect", "--format", "{{.State.Status}}", started.containerId]), {
      what: "the crashing container to exit",
      timeoutMs: 15_000,
      until: (status) => status === "exited",
    });
    const result = await check("container.state", { logLines: 5 }, context(spec.appId, [started]));
    expect(result.outcome).toBe("fail");
    // stdout and stderr interleave in either order: the line with the cause is named either way.
    expect(result.finding).toMatch(
      new RegExp(
        `^container ${started.name} exited with code ${TEST_APP_CRASH_CODE}; (last line|it said): ${TEST_APP_CRASH_LINE}$`,
      ),
    );
    expect(result.facts).toMatchObject({ exitCode: TEST_APP_CRASH_CODE });
    expect(result.facts.lastLines).toContain(TEST_APP_CRASH_LINE);
    expect(result.output).toContain(`| ${TEST_APP_CRASH_LINE}`);
  });
});

describe("an app on the engine and behind nginx", () => {
  let appId: string;
  let instances: { containerId: string; hostPort: number; name: string }[];

  beforeAll(async () => {
    const first = testSpec(testAppImage("v1"));
    appId = first.appId;
    const second = testSpec(testAppImage("v1"), { appId });
    instances = [await startInstance(docker, first, settings), await startInstance(docker, second, settings)];
    for (const { hostPort } of instances)
      await waitForUrl(`http://127.0.0.1:${hostPort}/health`, (response) => response.status === 200, 15_000);
  }, 60_000);

  const site = (ports: number[]) => ({
    appId,
    appName: "test-app",
    domains: ["checks.test"],
    upstreams: ports.map((port) => ({ port })),
    maintenance: false,
    tls: [],
    httpsRedirect: false,
    hsts: false,
  });

  it("nginx.upstream names the instances nginx sends to, and nginx.test passes", async () => {
    await nginx.apply([site(instances.map(({ hostPort }) => hostPort))]);
    const result = await check("nginx.upstream", {}, context(appId, instances));
    expect(result.outcome).toBe("pass");
    const servers = instances.map(({ hostPort }) => `127.0.0.1:${hostPort}`).sort();
    expect(result.finding).toBe(`nginx sends test-app to 2 instances: ${servers.join(", ")}`);
    expect(await check("nginx.test", {}, null)).toMatchObject({ outcome: "pass" });
  });

  it("nginx.upstream finds the placeholder of an app with no healthy instance: live but 502", async () => {
    await nginx.apply([site([])]);
    // What a visitor gets, for real: nginx answers 502 itself.
    expect((await requestWithHost(nginxPort, "checks.test")).status).toBe(502);
    const result = await check("nginx.upstream", {}, context(appId, instances));
    expect(result.outcome).toBe("fail");
    expect(result.finding).toBe(
      "no healthy instance of test-app: nginx's upstream holds only the placeholder (server 127.0.0.1:1 down;), so the app is live but every request gets 502",
    );
    expect(result.facts).toMatchObject({ placeholder: true, servers: [] });
  });

  it("nginx.upstream says when nginx has no site for the app", async () => {
    await nginx.apply([]);
    const result = await check("nginx.upstream", {}, context(appId, instances));
    expect(result.outcome).toBe("fail");
    expect(result.finding).toMatch(/^nginx on this host has no site for test-app/);
  });

  it("http.probe names the one instance whose health path fails", async () => {
    const ok = await check("http.probe", { target: "app-readiness" }, context(appId, instances));
    expect(ok.outcome).toBe("pass");
    expect(ok.finding).toMatch(/^all 2 instances answered 200 on \/health \(slowest \d+ ms\)$/);

    const [, broken] = instances;
    if (!broken) throw new Error("two instances were started");
    await runDocker(["exec", broken.containerId, "rm", "/www/health"]);
    const failing = await check("http.probe", { target: "app-readiness" }, context(appId, instances));
    expect(failing.outcome).toBe("fail");
    expect(failing.finding).toBe(
      `1 of 2 instances fail: instance ${broken.containerId.slice(0, 12)} (http://127.0.0.1:${broken.hostPort}/health) answered 404, expected 2xx-3xx`,
    );
    const url = await check(
      "http.probe",
      { url: `http://127.0.0.1:${broken.hostPort}/`, bodyMatch: "version v1" },
      null,
    );
    expect(url.outcome).toBe("pass");
  });

  it("path.permissions and command.run look inside the app's container", async () => {
    const www = await check(
      "path.permissions",
      { path: "/www", where: "app-container", owner: "0" },
      context(appId, instances),
    );
    expect(www.outcome).toBe("pass");
    expect(www.finding).toMatch(
      /^\/www on container [0-9a-f]{12} is a directory owned by (root \(uid 0\)|uid 0), group 0, mode 0\d{3}$/,
    );
    const missing = await check(
      "path.permissions",
      { path: "/nope", where: "app-container" },
      context(appId, instances),
    );
    expect(missing.finding).toMatch(/^\/nope does not exist on container /);

    const listed = await check("command.run", { argv: ["ls", "/www"] }, context(appId, instances));
    expect(listed.outcome).toBe("pass");
    expect(listed.output).toContain("index.html");
    const refused = await check("command.run", { argv: ["ls", "/nope"], expectExitCode: 0 }, context(appId, instances));
    expect(refused.outcome).toBe("fail");
    expect(refused.finding).toMatch(
      /^ls \/nope on container [0-9a-f]{12} exited with 1, expected 0; last line: ls: \/nope: No such file or directory$/,
    );
  });

  it("process.fd-limit and container.resources read the app's main process and its stats", async () => {
    const limits = await check("process.fd-limit", { minLimit: 1 }, context(appId, instances));
    expect(limits.outcome).toBe("pass");
    expect(limits.finding).toMatch(/^pid \d+ \(.*\) on test-app's container [0-9a-f]{12} may open \d+ files/);
    const impossible = await check("process.fd-limit", { minLimit: 100_000_000 }, context(appId, instances));
    expect(impossible.outcome).toBe("fail");

    const resources = await check("container.resources", {}, context(appId, instances));
    expect(resources.outcome).toBe("pass");
    expect(resources.finding).toMatch(
      /^within limits: container [0-9a-f]{12} uses [\d.]+ \w+ \(\d+% of the host's .* \(no memory limit set\)\) and \d+% CPU$/,
    );
    const strict = await check(
      "container.resources",
      { maxMemoryPercent: 1, maxCpuPercent: 1 },
      context(appId, instances),
    );
    // A busybox httpd uses far less than 1% of any host's memory: only a limit of 0 CPU could fail it.
    expect(strict.outcome).toBe("pass");
  });

  it("container.state passes running containers", async () => {
    const result = await check("container.state", {}, context(appId, instances));
    expect(result).toMatchObject({
      outcome: "pass",
      finding: "all 2 containers of test-app are running (0 restarts in all)",
    });
  });
});
