// The quick start's portal killed with SIGKILL in the middle of a deploy, then started again on the
// same data, twice in a row, with the local agent run the way `npm start` runs it
// (scripts/lib/local-agent.sh, given the portal's PID). Each time: the old agent stops with its
// portal, exactly one agent process serves the host afterwards, the portal counts one accepted
// handshake and no replacement (no two agents taking turns), the interrupted deployment is Failed
// with its reason, and the previous release keeps serving through nginx throughout.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { agentConnections, agentPidsFor, processRuns } from "../support/agent-processes.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { deploymentLog, removeAppContainers, waitForDeployment } from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  runDocker,
  testAppImage,
  testAppPage,
  testContainerLabels,
} from "../support/docker.ts";
import { managedNginxEnv, requestWithHost, stopManagedNginx } from "../support/nginx.ts";
import { type Portal, repoRoot, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const DOMAIN = "takeover.test";
const dataDir = mkdtempSync(join(tmpdir(), "wheelhouse-takeover-"));
const agentDir = join(dataDir, "local-agent");
let portal: Portal;
let admin: ApiClient;
let rest: RestClient;
let nginxPort: number;
let localAgent: ChildProcess | undefined;

/** The portal as `npm start` runs it: the local agent's enrolment token file is set. */
function startQuickStartPortal(previous?: Portal): Promise<Portal> {
  return startPortal({
    dataDir,
    ...(previous ? { databaseUrl: previous.databaseUrl, port: previous.port } : {}),
    env: { WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE: join(agentDir, "enroll.token") },
  });
}

/** scripts/lib/local-agent.sh, as scripts/start.sh starts it: portal URL, config directory, portal PID. */
function startLocalAgent(of: Portal): ChildProcess {
  const labels = Object.entries(testContainerLabels())
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  const child = spawn("bash", ["scripts/lib/local-agent.sh", of.url, agentDir, String(of.process.pid)], {
    cwd: repoRoot,
    env: { ...process.env, ...managedNginxEnv(nginxPort), WHEELHOUSE_AGENT_EXTRA_LABELS: labels, LOG_LEVEL: "info" },
    stdio: "ignore",
  });
  localAgent = child;
  return child;
}

const through = () => requestWithHost(nginxPort, DOMAIN);

async function hostOnline(): Promise<void> {
  await waitFor(async () => (await admin.query<{ hosts: { status: string }[] }>("hosts.list")).data?.hosts ?? [], {
    what: "the local agent's host is online",
    timeoutMs: 60_000,
    until: (hosts) => hosts.length === 1 && hosts[0]?.status === "online",
    intervalMs: 200,
  });
}

async function deploymentStatus(id: string): Promise<string> {
  try {
    return (await rest.call<{ deployment: Deployment }>("GET", `/deployments/${id}`)).body.deployment.status;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The app's containers on the engine with their release number, by the docker CLI. */
async function appReleases(): Promise<string[]> {
  const out = await runDocker([
    "ps",
    "--all",
    "--filter",
    "label=wheelhouse.app.name=takeover",
    "--filter",
    "label=wheelhouse.deployment",
    "--format",
    '{{.Label "wheelhouse.release.number"}}',
  ]);
  return out.split("\n").filter(Boolean);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all([ensureTestAppImage("v1"), ensureTestAppImage("unhealthy")]);
  nginxPort = await freePort();
  // start.sh makes the directory, mode 0700; the portal writes the enrolment token into it.
  mkdirSync(agentDir, { mode: 0o700 });
  // The managed nginx's workers run as nobody when we are root: they must pass through DATA_DIR.
  chmodSync(dataDir, 0o711);
  portal = await startQuickStartPortal();
  admin = await setUpAdmin(portal.url);
  startLocalAgent(portal);
  await hostOnline();
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  const created = await rest.call("POST", "/apps", {
    name: "takeover",
    image: testAppImage("v1"),
    pullPolicy: "never",
    port: 8080,
    healthPath: "/health",
    healthTimeoutSeconds: 60,
    domains: [DOMAIN],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/takeover/deployments", {
    image: testAppImage("v1"),
  });
  const first = await waitForDeployment(rest, started.body.deployment.id);
  expect(first.status, `${first.failureReason}\n${await deploymentLog(rest, first.id)}`).toBe("Live");
  expect((await through()).body).toBe(testAppPage("v1"));
}, 240_000);

afterAll(async () => {
  const script = localAgent;
  const scriptExited =
    script && script.exitCode === null ? new Promise((resolve) => script.once("exit", resolve)) : undefined;
  // The portal was killed on purpose mid-deploy; the restarted one logs the lost deploy.
  await portal?.stop();
  // local-agent.sh notices its portal is gone within a second and stops the agent.
  await Promise.race([scriptExited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (script && script.exitCode === null) script.kill("SIGKILL");
  for (const pid of agentPidsFor(agentDir)) process.kill(pid, "SIGKILL");
  await stopManagedNginx(agentDir);
  await removeAppContainers();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("the quick start's portal killed with SIGKILL mid-deploy", () => {
  for (const round of [1, 2]) {
    it(`round ${round}: one agent afterwards, no replacement storm, the deploy Failed, v1 serving`, async () => {
      const [oldAgent, ...extra] = agentPidsFor(agentDir);
      expect(extra).toEqual([]);
      expect(oldAgent).toBeDefined();
      const oldScript = localAgent;

      const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/takeover/deployments", {
        image: testAppImage("unhealthy"),
      });
      const id = started.body.deployment.id;
      await waitFor(() => deploymentStatus(id), {
        what: "HealthChecking",
        timeoutMs: 30_000,
        until: (status) => status === "HealthChecking",
        intervalMs: 200,
      });

      const exited = new Promise((resolve) => portal.process.once("exit", resolve));
      portal.process.kill("SIGKILL");
      await exited;
      // The old agent stops with its portal (it watches the portal's PID), and so does its script.
      await waitFor(() => processRuns(oldAgent ?? 0), {
        what: "the old agent stops",
        timeoutMs: 10_000,
        until: (runs) => !runs,
        intervalMs: 200,
      });
      await waitFor(() => oldScript?.exitCode ?? null, {
        what: "local-agent.sh ends",
        timeoutMs: 10_000,
        until: (code) => code !== null,
        intervalMs: 200,
      });
      expect(agentPidsFor(agentDir)).toEqual([]);
      // nginx outlives both: the live release answers while nothing manages the host.
      expect((await through()).body).toBe(testAppPage("v1"));

      portal = await startQuickStartPortal(portal);
      startLocalAgent(portal);
      await hostOnline();
      const deployment = await waitForDeployment(rest, id, 30_000);
      expect(deployment.status).toBe("Failed");
      expect(deployment.failureReason).toMatch(/portal restarted/);
      await waitFor(appReleases, {
        what: "the interrupted release's container removed",
        timeoutMs: 60_000,
        until: (releases) => releases.length === 1,
        intervalMs: 200,
      });
      expect(await appReleases()).toEqual(["1"]);
      expect((await through()).body).toBe(testAppPage("v1"));

      // One agent, connected once, and it stays that way.
      const agentsNow = agentPidsFor(agentDir);
      expect(agentsNow).toHaveLength(1);
      expect(agentsNow).not.toContain(oldAgent);
      expect(await agentConnections(portal.url)).toEqual({ accepted: 1, replaced: 0, refused: 0 });
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      expect(await agentConnections(portal.url)).toEqual({ accepted: 1, replaced: 0, refused: 0 });
      expect(agentPidsFor(agentDir)).toEqual(agentsNow);
    }, 180_000);
  }
});
