// Live health for real (issue 13 item 1): a portal, an agent, the Docker engine and the agent's
// managed nginx. An app built like seed 000's framework serves /live, /ready and /metrics on a probe
// port of its own; the test breaks and heals those endpoints inside the containers (docker exec)
// and watches what a user would: the nginx upstream the agent renders, the answers through nginx
// under constant load, the instance rows the API shows, and the engine's own record of a restart.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AppDetail, Deployment } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import {
  deploymentLog,
  enrolHostWithNginx,
  LoadGenerator,
  removeAppContainers,
  type TestHost,
  waitForDeployment,
} from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  runDocker,
  TEST_APP_METRIC,
  TEST_APP_PROBE_PORT,
  testAppImage,
} from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const APP = "probing";
const DOMAIN = "probing.test";
const INTERVAL_S = 1;
const PROBE_TIMEOUT_S = 1;
const FAILURES = 3;
const SUCCESSES = 2;
/** nginx -t and a reload, the report's round trip and the database writes, on a busy shared machine. */
const RELOAD_MARGIN_MS = 3_000;

let portal: Portal;
let rest: RestClient;
let host: TestHost;

type Instance = AppDetail["instances"][number];

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("probes");
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "probe-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
});

const through = () => requestWithHost(host.nginxPort, DOMAIN);

async function instances(): Promise<Instance[]> {
  const { body } = await rest.call<{ app: AppDetail }>("GET", `/apps/${APP}`);
  return body.app.instances;
}

/** The upstream ports of the app's site as the agent last wrote it for its nginx; [] is the placeholder. */
function upstreamPorts(): number[] {
  const sites = join(host.configDir, "nginx", "sites");
  const text = readdirSync(sites)
    .filter((file) => file.endsWith(".conf"))
    .map((file) => readFileSync(join(sites, file), "utf8"))
    .find((site) => site.includes(DOMAIN));
  if (!text) throw new Error(`no nginx site serves ${DOMAIN}`);
  return [...text.matchAll(/server 127\.0\.0\.1:(\d+) max_fails/g)].map((match) => Number(match[1])).sort();
}

const sorted = (ports: number[]) => [...ports].sort();

/** Breaks or heals a probe endpoint inside the container (the "probes" image serves /probes). */
async function setProbe(containerId: string, file: "ready" | "live", present: boolean): Promise<void> {
  const script = present ? `echo ok > /probes/${file}` : `rm -f /probes/${file}`;
  await runDocker(["exec", containerId, "sh", "-c", script]);
}

async function upstreamBecomes(expected: number[], what: string): Promise<number> {
  const started = Date.now();
  await waitFor(upstreamPorts, {
    what,
    timeoutMs: 20_000,
    intervalMs: 50,
    until: (ports) => ports.join() === sorted(expected).join(),
  });
  return Date.now() - started;
}

let first: Instance;
let second: Instance;

describe("live health through nginx", () => {
  it("deploys two replicas whose readiness answers on a probe port published on 127.0.0.1", async () => {
    const created = await rest.call("POST", "/apps", {
      name: APP,
      image: testAppImage("probes"),
      pullPolicy: "never",
      port: 8080,
      replicas: 2,
      // Readiness on the probe port gates the deploy too: the app port has no /ready.
      healthPath: "/ready",
      healthTimeoutSeconds: 15,
      probePort: TEST_APP_PROBE_PORT,
      livenessPath: "/live",
      healthIntervalSeconds: INTERVAL_S,
      healthProbeTimeoutSeconds: PROBE_TIMEOUT_S,
      healthFailureThreshold: FAILURES,
      healthSuccessThreshold: SUCCESSES,
      metricsPath: "/metrics",
      domains: [DOMAIN],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const started = await rest.call<{ deployment: Deployment }>("POST", `/apps/${APP}/deployments`, {});
    const deployment = await waitForDeployment(rest, started.body.deployment.id);
    expect(deployment.status, await deploymentLog(rest, deployment.id)).toBe("Live");

    const live = await instances();
    expect(live).toHaveLength(2);
    [first, second] = live as [Instance, Instance];
    for (const instance of live) {
      expect(instance.status).toBe("Healthy");
      expect(instance.probeHostPort).not.toBeNull();
      expect(instance.probeHostPort).not.toBe(instance.hostPort);
      const ready = await fetch(`http://127.0.0.1:${instance.probeHostPort}/ready`);
      expect(ready.status).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${instance.probeHostPort}/metrics`);
      expect(await metrics.text()).toContain(TEST_APP_METRIC);
      const bindings = JSON.parse(
        await runDocker(["inspect", "--format", "{{json .HostConfig.PortBindings}}", instance.containerId ?? ""]),
      ) as Record<string, { HostIp: string; HostPort: string }[]>;
      expect(bindings[`${TEST_APP_PROBE_PORT}/tcp`]).toEqual([
        { HostIp: "127.0.0.1", HostPort: String(instance.probeHostPort) },
      ]);
    }
    expect(upstreamPorts()).toEqual(sorted(live.map((i) => i.hostPort ?? 0)));
    expect((await through()).status).toBe(200);
  });

  it("takes an instance whose readiness fails out of nginx in time, keeps it out, and puts it back after it recovers, with no failed request", async () => {
    const load = new LoadGenerator(host.nginxPort, DOMAIN);
    await waitFor(() => load.answers.length, { what: "answers under load", timeoutMs: 10_000, until: (n) => n >= 20 });

    await setProbe(first.containerId ?? "", "ready", false);
    const outAfter = await upstreamBecomes([second.hostPort ?? 0], "the failing instance to leave the upstream");
    // The detection bound of the issue (interval × failures + timeout), plus the reload's margin.
    expect(outAfter).toBeLessThan((INTERVAL_S * FAILURES + PROBE_TIMEOUT_S) * 1000 + RELOAD_MARGIN_MS);
    const failing = (await instances()).find((i) => i.id === first.id);
    expect(failing).toMatchObject({
      status: "Unhealthy",
      probeHealthy: false,
      probeReason: `GET /ready on 127.0.0.1:${first.probeHostPort} answered 404`,
    });
    expect(failing?.probedAt).not.toBeNull();
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^wheelhouse_container_instances\{status="Unhealthy"\} 1$/m);
    expect(metrics).toMatch(/^wheelhouse_container_instances\{status="Healthy"\} 1$/m);

    // An agent restart reconciles the host (its container runs) and sends the watch list again: the
    // instance stays out, because running is not ready.
    await host.agent.kill();
    host.restartAgent();
    await waitFor(
      async () => (await rest.call<{ hosts: { name: string; status: string }[] }>("GET", "/hosts")).body.hosts,
      {
        what: "the agent back online",
        timeoutMs: 20_000,
        until: (hosts) => hosts.some((h) => h.name === host.name && h.status === "online"),
      },
    );
    await new Promise((resolve) => setTimeout(resolve, (INTERVAL_S * FAILURES + PROBE_TIMEOUT_S) * 1000));
    expect((await instances()).find((i) => i.id === first.id)?.status).toBe("Unhealthy");
    expect(upstreamPorts()).toEqual([second.hostPort]);

    await setProbe(first.containerId ?? "", "ready", true);
    const backAfter = await upstreamBecomes(
      [first.hostPort ?? 0, second.hostPort ?? 0],
      "the recovered instance back in the upstream",
    );
    expect(backAfter).toBeLessThan((INTERVAL_S * SUCCESSES + PROBE_TIMEOUT_S) * 1000 + RELOAD_MARGIN_MS);
    expect((await instances()).find((i) => i.id === first.id)).toMatchObject({
      status: "Healthy",
      probeHealthy: true,
      probeReason: null,
    });

    const report = await load.stop();
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.total).toBeGreaterThan(50);
  });

  it("serves the placeholder's 502 page when no instance is ready, and recovers", async () => {
    await Promise.all([first, second].map((i) => setProbe(i.containerId ?? "", "ready", false)));
    await upstreamBecomes([], "the placeholder upstream");
    const down = await waitFor(through, {
      what: "502 with no ready instance",
      timeoutMs: 10_000,
      intervalMs: 100,
      until: (answer) => answer.status === 502,
    });
    expect(down.body).toMatch(new RegExp(APP));
    expect((await instances()).map((i) => i.status)).toEqual(["Unhealthy", "Unhealthy"]);

    await Promise.all([first, second].map((i) => setProbe(i.containerId ?? "", "ready", true)));
    await upstreamBecomes([first.hostPort ?? 0, second.hostPort ?? 0], "both instances back");
    await waitFor(through, {
      what: "200 once ready again",
      timeoutMs: 10_000,
      intervalMs: 100,
      until: (answer) => answer.status === 200,
    });
  });

  it("restarts a container whose liveness fails, and says so on the instance", async () => {
    const startedAt = () => runDocker(["inspect", "--format", "{{.State.StartedAt}}", first.containerId ?? ""]);
    const before = await startedAt();
    await setProbe(first.containerId ?? "", "live", false);
    await waitFor(startedAt, {
      what: "the container restarted by the agent",
      timeoutMs: 20_000,
      intervalMs: 200,
      until: (now) => now !== before,
    });
    const restarted = await waitFor(async () => (await instances()).find((i) => i.id === first.id), {
      what: "the restart named on the instance",
      timeoutMs: 10_000,
      until: (instance) => instance?.failureReason?.includes("the container was restarted") ?? false,
    });
    expect(restarted?.failureReason).toContain(`GET /live on 127.0.0.1:${first.probeHostPort}`);
    // The new process wrote /probes/live again at its start: it serves, and it is not restarted again.
    await upstreamBecomes([first.hostPort ?? 0, second.hostPort ?? 0], "the restarted instance in the upstream");
    const after = await startedAt();
    await new Promise((resolve) => setTimeout(resolve, (INTERVAL_S * FAILURES + PROBE_TIMEOUT_S) * 1000));
    expect(await startedAt()).toBe(after);
    expect((await through()).status).toBe(200);
  });

  it("mends a verdict lost while the portal was down: the restarted portal learns it from the agent", async () => {
    await setProbe(first.containerId ?? "", "ready", false);
    await upstreamBecomes([second.hostPort ?? 0], "the failing instance out before the portal stops");
    const exited = new Promise((resolve) => portal.process.once("exit", resolve));
    portal.process.kill("SIGKILL");
    await exited;
    // Healed while no portal listens: the agent's "ready again" report goes nowhere.
    await setProbe(first.containerId ?? "", "ready", true);
    await new Promise((resolve) => setTimeout(resolve, (INTERVAL_S * SUCCESSES + PROBE_TIMEOUT_S) * 1000 + 1_000));
    expect(upstreamPorts()).toEqual([second.hostPort]);

    portal = await startPortal({ dataDir: portal.dataDir, databaseUrl: portal.databaseUrl, port: portal.port });
    // On reconnect the watch list carries the portal's record (not ready); the agent knows better and says so.
    await upstreamBecomes([first.hostPort ?? 0, second.hostPort ?? 0], "the healed instance back after the restart");
    expect((await instances()).find((i) => i.id === first.id)).toMatchObject({ status: "Healthy", probeHealthy: true });
  });
});
