// Issue 13's "a health endpoint failing repeatedly → exactly one incident", for real: a portal, an
// agent, the Docker engine and the agent's nginx. A production app's only instance fails its
// readiness probe, recovers and fails again (a flapping check): one incident opens by itself at SEV2
// with the built-in health-check runbook attached by its rules and its automatic steps run, and the
// second failure adds to that incident's timeline instead of opening another.
import type { AppDetail, Deployment, IncidentDetail, IncidentSummary } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import {
  deploymentLog,
  enrolHostWithNginx,
  removeAppContainers,
  type TestHost,
  waitForDeployment,
} from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  runDocker,
  TEST_APP_PROBE_PORT,
  testAppImage,
} from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const APP = "flapping";

let portal: Portal;
let rest: RestClient;
let host: TestHost;
let containerId: string;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("probes");
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "flap-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);

  const created = await rest.call("POST", "/apps", {
    name: APP,
    environment: "production",
    image: testAppImage("probes"),
    pullPolicy: "never",
    port: 8080,
    replicas: 1,
    healthPath: "/ready",
    healthTimeoutSeconds: 15,
    probePort: TEST_APP_PROBE_PORT,
    healthIntervalSeconds: 1,
    healthProbeTimeoutSeconds: 1,
    healthFailureThreshold: 3,
    healthSuccessThreshold: 2,
    domains: ["flapping.test"],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const started = await rest.call<{ deployment: Deployment }>("POST", `/apps/${APP}/deployments`, {});
  const deployment = await waitForDeployment(rest, started.body.deployment.id);
  expect(deployment.status, await deploymentLog(rest, deployment.id)).toBe("Live");
  const { body } = await rest.call<{ app: AppDetail }>("GET", `/apps/${APP}`);
  containerId = body.app.instances[0]?.containerId ?? "";
  expect(containerId).toMatch(/^[0-9a-f]{64}$/);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
});

async function setReady(present: boolean): Promise<void> {
  await runDocker(["exec", containerId, "sh", "-c", present ? "echo ok > /probes/ready" : "rm -f /probes/ready"]);
}

async function instanceStatus(): Promise<string | undefined> {
  const { body } = await rest.call<{ app: AppDetail }>("GET", `/apps/${APP}`);
  return body.app.instances[0]?.status;
}

async function incidentsOfApp(): Promise<IncidentSummary[]> {
  const { body } = await rest.call<{ incidents: IncidentSummary[] }>("GET", `/incidents?status=all&app=${APP}`);
  return body.incidents;
}

async function incident(id: string): Promise<IncidentDetail> {
  const { body } = await rest.call<{ incident: IncidentDetail }>("GET", `/incidents/${id}`);
  return body.incident;
}

const unhealthySignals = (detail: IncidentDetail) =>
  detail.timeline.filter((entry) => entry.kind === "signal" && entry.data.kind === "instance.unhealthy");

describe("a flapping readiness probe", () => {
  it("opens one SEV2 incident with the health-check runbook attached and its automatic steps run", async () => {
    await setReady(false);
    const [opened] = await waitFor(incidentsOfApp, {
      what: "an incident opened by the failing readiness probe",
      timeoutMs: 30_000,
      until: (incidents) => incidents.length > 0,
    });
    expect(opened).toMatchObject({ severity: "SEV2", status: "Investigating", app: APP, openedBy: "signal" });

    const detail = await waitFor(() => incident(opened?.id ?? ""), {
      what: "the health-check runbook's automatic steps to finish",
      timeoutMs: 60_000,
      until: (found) => {
        const run = found.runbooks.find((r) => r.slug === "health-check-failure");
        if (!run) return false;
        const auto = new Set(run.definition.steps.filter((step) => step.auto === true).map((step) => step.id));
        const finished = run.steps.filter((s) => auto.has(s.stepId) && s.outcome !== null && s.outcome !== "running");
        return auto.size > 0 && finished.length === auto.size;
      },
    });
    const run = detail.runbooks.find((r) => r.slug === "health-check-failure");
    expect(run?.attachedBy).toBe("rule");
    // The readiness probe the runbook runs by itself finds what the agent found: 404 on /ready.
    const probed = run?.steps.filter((s) => s.automatic && s.outcome === "fail") ?? [];
    expect(probed.map((s) => s.finding).join("\n")).toMatch(/404/);
    expect(unhealthySignals(detail)).toHaveLength(1);
  });

  it("adds the next failure to the same incident after the instance recovered in between", async () => {
    await setReady(true);
    await waitFor(instanceStatus, {
      what: "the instance Healthy again",
      timeoutMs: 20_000,
      until: (s) => s === "Healthy",
    });
    await setReady(false);
    await waitFor(instanceStatus, {
      what: "the instance Unhealthy again",
      timeoutMs: 20_000,
      until: (s) => s === "Unhealthy",
    });

    const [only, ...others] = await incidentsOfApp();
    expect(others).toEqual([]);
    const detail = await waitFor(() => incident(only?.id ?? ""), {
      what: "the second failure on the incident's timeline",
      timeoutMs: 10_000,
      until: (found) => unhealthySignals(found).length === 2,
    });
    expect(detail.signals).toBe(2);
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/wheelhouse_signals_total\{kind="instance\.unhealthy",outcome="deduplicated"\} 1/);
  });
});
