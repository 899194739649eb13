// Deploying for real: a portal, an agent, the Docker engine and the agent's managed nginx. Requests
// go through nginx on 127.0.0.1 with the app's domain as Host; the docker CLI is the oracle for
// what runs. Covers zero-downtime switches, failed releases that leave the old one serving,
// rollback to an exact digest and configuration, maintenance, the 502 placeholder, and crashes of
// the agent and of the portal in the middle of a deploy.
import { spawnSync } from "node:child_process";
import type { Deployment, Release } from "@wheelhouse/shared";
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
  TEST_APP_CRASH_LINE,
  testAppImage,
  testAppPage,
} from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const DOMAIN = "shop.test";
let portal: Portal;
let rest: RestClient;
let host: TestHost;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all(["v1", "v2", "crash", "unhealthy"].map((v) => ensureTestAppImage(v as "v1")));
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "deploy-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  // Agents were killed on purpose in this suite; the portal logs their lost commands as errors.
  await portal?.stop();
});

const through = () => requestWithHost(host.nginxPort, DOMAIN);

async function deploy(image: string, reason?: string): Promise<Deployment> {
  const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/deployments", {
    image,
    ...(reason ? { reason } : {}),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return waitForDeployment(rest, started.body.deployment.id);
}

/** The app's containers on the engine, by the docker CLI. */
async function appContainers(): Promise<{ id: string; image: string; release: string }[]> {
  const out = await runDocker([
    "ps",
    "--all",
    "--no-trunc",
    "--filter",
    "label=wheelhouse.app.name=shop",
    // Other files deploy apps named shop on the same engine at the same time: only this file's host.
    "--filter",
    `label=wheelhouse.host=${host.id}`,
    "--filter",
    `label=wheelhouse.deployment`,
    "--format",
    '{{.ID}} {{.Label "wheelhouse.release.number"}}',
  ]);
  const rows = out.split("\n").filter(Boolean);
  const found = await Promise.all(
    rows.map(async (row) => {
      const [id = "", release = ""] = row.split(" ");
      // A container being removed right now may be gone between `ps` and `inspect`.
      const image = await runDocker(["inspect", "--format", "{{.Image}}", id]).catch(() => null);
      return image === null ? [] : [{ id, image, release }];
    }),
  );
  return found.flat();
}

describe("deployments through nginx", () => {
  it("deploys v1 and serves it under its domain", async () => {
    const created = await rest.call("POST", "/apps", {
      name: "shop",
      image: testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 15,
      domains: [DOMAIN],
      env: { GREETING: "one" },
      secrets: { API_TOKEN: "s3cret-one" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const deployment = await deploy(testAppImage("v1"), "first release");
    expect(deployment.status, await deploymentLog(rest, deployment.id)).toBe("Live");
    expect(deployment.transitions.map((t) => t.status)).toEqual([
      "Queued",
      "Pulling",
      "Starting",
      "HealthChecking",
      "Live",
    ]);
    expect(deployment.releaseNumber).toBe(1);
    const answer = await through();
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(testAppPage("v1"));
    // The container carries the labels, log rotation and the secret (decrypted only on the host).
    const [container] = await appContainers();
    const inspected = JSON.parse(await runDocker(["inspect", container?.id ?? ""]))[0] as {
      Config: { Env: string[]; Labels: Record<string, string> };
      HostConfig: { LogConfig: { Type: string; Config: Record<string, string> }; RestartPolicy: { Name: string } };
    };
    expect(inspected.Config.Env).toEqual(expect.arrayContaining(["GREETING=one", "API_TOKEN=s3cret-one", "PORT=8080"]));
    expect(inspected.HostConfig.LogConfig).toEqual({
      Type: "json-file",
      Config: { "max-size": "10m", "max-file": "3" },
    });
    expect(inspected.HostConfig.RestartPolicy.Name).toBe("unless-stopped");
    expect(inspected.Config.Labels["wheelhouse.release.number"]).toBe("1");
  });

  it("switches to v2 with zero failed requests while traffic flows", async () => {
    await rest.call("PATCH", "/apps/shop", { env: { GREETING: "two" } });
    const load = new LoadGenerator(host.nginxPort, DOMAIN);
    // Traffic flows before the switch and goes on until v2 has answered a few times after it.
    await waitFor(() => load.answers.length, {
      what: "the first answers of v1 under load",
      timeoutMs: 10_000,
      until: (n) => n >= 20,
    });
    const deployment = await deploy(testAppImage("v2"));
    await waitFor(() => load.answers.filter((answer) => answer.body === testAppPage("v2")).length, {
      what: "v2's answers under load after the switch",
      timeoutMs: 10_000,
      until: (n) => n >= 20,
    });
    const report = await load.stop();
    expect(deployment.status, await deploymentLog(rest, deployment.id)).toBe("Live");
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.total).toBeGreaterThan(50);
    expect(report.bodies).toEqual(expect.arrayContaining([testAppPage("v1"), testAppPage("v2")]));
    expect((await through()).body).toBe(testAppPage("v2"));
    // Only v2's container remains.
    const containers = await waitFor(appContainers, {
      what: "old containers removed",
      timeoutMs: 15_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    expect(containers[0]?.release).toBe("2");
  });

  it("fails a release that exits at once, with the reason and its last lines, and v2 keeps serving", async () => {
    const load = new LoadGenerator(host.nginxPort, DOMAIN, 2);
    const deployment = await deploy(testAppImage("crash"));
    const report = await load.stop();
    expect(deployment.status).toBe("Failed");
    expect(deployment.failureReason).toMatch(/exited with code 3/);
    const log = await deploymentLog(rest, deployment.id);
    expect(log).toContain(TEST_APP_CRASH_LINE);
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.bodies).toEqual([testAppPage("v2")]);
    const containers = await waitFor(appContainers, {
      what: "failed containers removed",
      timeoutMs: 15_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    expect(containers[0]?.release).toBe("2");
  });

  it("fails a release whose health check never passes, and v2 keeps serving", async () => {
    await rest.call("PATCH", "/apps/shop", { healthTimeoutSeconds: 2 });
    const load = new LoadGenerator(host.nginxPort, DOMAIN, 2);
    const deployment = await deploy(testAppImage("unhealthy"));
    const report = await load.stop();
    expect(deployment.status).toBe("Failed");
    expect(deployment.failureReason).toMatch(/\/health/);
    expect(deployment.failureReason).toMatch(/404/);
    expect(report.failed, JSON.stringify(report)).toBe(0);
    expect(report.bodies).toEqual([testAppPage("v2")]);
    await waitFor(appContainers, {
      what: "unhealthy containers removed",
      timeoutMs: 15_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    await rest.call("PATCH", "/apps/shop", { healthTimeoutSeconds: 15, image: testAppImage("v2") });
  });

  it("rolls back to release 1: its exact digest and configuration", async () => {
    const releases = (await rest.call<{ releases: Release[] }>("GET", "/apps/shop/releases")).body.releases;
    const first = releases.find((r) => r.number === 1);
    expect(first).toBeDefined();
    const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/rollback", { releaseNumber: 1 });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const deployment = await waitForDeployment(rest, started.body.deployment.id);
    expect(deployment.status, await deploymentLog(rest, deployment.id)).toBe("Live");
    expect(deployment.kind).toBe("rollback");
    expect(deployment.releaseNumber).toBe(1);
    expect((await through()).body).toBe(testAppPage("v1"));
    const [container] = await waitFor(appContainers, {
      what: "one container after rollback",
      timeoutMs: 15_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    expect(container?.image).toBe(first?.imageDigest);
    const env = await runDocker(["inspect", "--format", "{{json .Config.Env}}", container?.id ?? ""]);
    // Release 1's configuration, not the app's current one (GREETING=two since release 2).
    expect(JSON.parse(env)).toContain("GREETING=one");
    const now = (await rest.call<{ releases: Release[] }>("GET", "/apps/shop/releases")).body.releases;
    expect(now.find((r) => r.live)?.number).toBe(1);
  });

  it("scales and restarts as deployments of the live release", async () => {
    const scaled = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/scale", { replicas: 2 });
    expect(scaled.status, JSON.stringify(scaled.body)).toBe(200);
    const scale = await waitForDeployment(rest, scaled.body.deployment.id);
    expect([scale.status, scale.kind, scale.releaseNumber, scale.replicas]).toEqual(["Live", "scale", 1, 2]);
    const two = await waitFor(appContainers, {
      what: "two instances after scaling",
      timeoutMs: 15_000,
      until: (c) => c.length === 2,
      intervalMs: 200,
    });
    expect(new Set(two.map((c) => c.release))).toEqual(new Set(["1"]));
    expect((await through()).body).toBe(testAppPage("v1"));

    const restarted = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/restart", { name: "shop" });
    const restart = await waitForDeployment(rest, restarted.body.deployment.id);
    expect([restart.status, restart.kind, restart.releaseNumber]).toEqual(["Live", "restart", 1]);
    const fresh = await waitFor(appContainers, {
      what: "two fresh instances",
      timeoutMs: 15_000,
      until: (c) => c.length === 2,
      intervalMs: 200,
    });
    expect(fresh.map((c) => c.id).some((id) => two.some((old) => old.id === id))).toBe(false);

    const back = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/scale", { replicas: 1 });
    expect((await waitForDeployment(rest, back.body.deployment.id)).status).toBe("Live");
    await waitFor(appContainers, {
      what: "one instance again",
      timeoutMs: 15_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
  });

  it("serves the maintenance page and back, without a release change", async () => {
    const on = await rest.call("PUT", "/apps/shop/maintenance", { enabled: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    const page = await through();
    expect(page.status).toBe(503);
    expect(page.body).toMatch(/maintenance/i);
    const off = await rest.call("PUT", "/apps/shop/maintenance", { enabled: false });
    expect(off.status).toBe(200);
    expect((await through()).body).toBe(testAppPage("v1"));
  });

  it("answers with the placeholder's 502 page when no instance is healthy, and recovers", async () => {
    const instanceStatus = async () =>
      (await rest.call<{ app: { instances: { status: string }[] } }>("GET", "/apps/shop")).body.app.instances.map(
        (i) => i.status,
      );
    const [container] = await appContainers();
    await runDocker(["stop", "--time", "1", container?.id ?? ""]);
    // Wheelhouse takes the stopped instance out of nginx: the placeholder answers (not merely a
    // refused connection to the stopped container, which nginx would also turn into a 502).
    await waitFor(instanceStatus, {
      what: "instance marked Unhealthy",
      timeoutMs: 15_000,
      until: (s) => s.join() === "Unhealthy",
      intervalMs: 200,
    });
    const down = await waitFor(through, {
      what: "502 after the instance stopped",
      timeoutMs: 15_000,
      until: (answer) => answer.status === 502,
      intervalMs: 200,
    });
    expect(down.body).toMatch(/shop/);
    await runDocker(["start", container?.id ?? ""]);
    await waitFor(instanceStatus, {
      what: "instance Healthy again",
      timeoutMs: 15_000,
      until: (s) => s.join() === "Healthy",
      intervalMs: 200,
    });
    await waitFor(through, {
      what: "200 after the instance started again",
      timeoutMs: 15_000,
      until: (answer) => answer.status === 200,
      intervalMs: 200,
    });
  });

  it("counts deployments by kind and outcome, their durations and the instances in /metrics", async () => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${check.stdout}${check.stderr}`).toBe("");
    expect(text).toMatch(/^wheelhouse_deployments_total\{kind="deploy",outcome="live"\} 2$/m);
    expect(text).toMatch(/^wheelhouse_deployments_total\{kind="deploy",outcome="failed"\} 2$/m);
    expect(text).toMatch(/^wheelhouse_deployments_total\{kind="rollback",outcome="live"\} 1$/m);
    expect(text).toMatch(/^wheelhouse_deployments_total\{kind="scale",outcome="live"\} 2$/m);
    expect(text).toMatch(/^wheelhouse_deployments_total\{kind="restart",outcome="live"\} 1$/m);
    expect(text).toMatch(/^wheelhouse_deployment_duration_seconds_count\{kind="deploy",outcome="live"\} 2$/m);
    expect(text).toMatch(/^wheelhouse_container_instances\{status="Healthy"\} 1$/m);
  });

  it("leaves no orphan when the agent is killed mid-deploy, and keeps serving", async () => {
    await rest.call("PATCH", "/apps/shop", { healthTimeoutSeconds: 60 });
    const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/deployments", {
      image: testAppImage("unhealthy"),
    });
    await waitFor(
      async () =>
        (await rest.call<{ deployment: Deployment }>("GET", `/deployments/${started.body.deployment.id}`)).body
          .deployment.status,
      {
        what: "deployment reaches HealthChecking",
        timeoutMs: 20_000,
        until: (status) => status === "HealthChecking",
        intervalMs: 200,
      },
    );
    await host.agent.kill("SIGKILL");
    const deployment = await waitForDeployment(rest, started.body.deployment.id, 30_000);
    expect(deployment.status).toBe("Failed");
    expect(deployment.failureReason).toMatch(/disconnected|not connected|agent/i);
    // nginx outlives the agent: the live release answers while the agent is down.
    expect((await through()).body).toBe(testAppPage("v1"));
    host.restartAgent();
    const containers = await waitFor(appContainers, {
      what: "orphan removed after agent restart",
      timeoutMs: 30_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    expect(containers[0]?.release).toBe("1");
    expect((await through()).body).toBe(testAppPage("v1"));
  });

  it("leaves no orphan when the portal is killed mid-deploy and restarted", async () => {
    const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/deployments", {
      image: testAppImage("unhealthy"),
    });
    const id = started.body.deployment.id;
    await waitFor(
      async () => (await rest.call<{ deployment: Deployment }>("GET", `/deployments/${id}`)).body.deployment.status,
      {
        what: "deployment reaches HealthChecking",
        timeoutMs: 20_000,
        until: (status) => status === "HealthChecking",
        intervalMs: 200,
      },
    );
    const exited = new Promise((resolve) => portal.process.once("exit", resolve));
    portal.process.kill("SIGKILL");
    await exited;
    expect((await through()).body).toBe(testAppPage("v1"));
    portal = await startPortal({ dataDir: portal.dataDir, databaseUrl: portal.databaseUrl, port: portal.port });
    const deployment = await waitForDeployment(rest, id, 10_000);
    expect(deployment.status).toBe("Failed");
    expect(deployment.failureReason).toMatch(/portal restarted/);
    const containers = await waitFor(appContainers, {
      what: "orphan removed after portal restart",
      timeoutMs: 45_000,
      until: (c) => c.length === 1,
      intervalMs: 200,
    });
    expect(containers[0]?.release).toBe("1");
    expect((await through()).body).toBe(testAppPage("v1"));
  });
});
