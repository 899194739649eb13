// A host with a real agent, the real Docker engine and a managed nginx, enrolled in a test portal:
// what the deployment suites (and the bench) deploy to. Everything it creates carries the test
// labels and is removed by tearDown().
import { type AppDetail, type Deployment, FINISHED_DEPLOYMENT_STATUSES, inStatusGroup } from "@wheelhouse/shared";
import { freePort } from "../../scripts/lib/free-port.ts";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "./agents.ts";
import type { ApiClient } from "./api-client.ts";
import { removeContainersWithLabel, testAppImage, testContainerLabels } from "./docker.ts";
import { managedNginxEnv, requestWithHost, stopManagedNginx } from "./nginx.ts";
import type { RestClient } from "./rest-client.ts";
import { waitFor } from "./wait-for.ts";

export interface TestHost {
  id: string;
  name: string;
  configDir: string;
  nginxPort: number;
  /** The managed nginx's HTTPS port (NGINX_HTTPS_PORT), free when the host was enrolled. */
  httpsPort: number;
  agent: AgentProcess;
  env: Record<string, string>;
  /** Starts the agent again (after a kill) with the same settings. */
  restartAgent(): AgentProcess;
  tearDown(): Promise<void>;
}

export async function enrolHostWithNginx(admin: ApiClient, portalUrl: string, name: string): Promise<TestHost> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  const configDir = agentConfigDir();
  const enrolled = await enrollAgent(configDir, portalUrl, created.data.token);
  if (enrolled.code !== 0) throw new Error(enrolled.stderr);
  const nginxPort = await freePort();
  const httpsPort = await freePort();
  const labels = testContainerLabels();
  const env = {
    ...managedNginxEnv(nginxPort),
    NGINX_HTTPS_PORT: String(httpsPort),
    WHEELHOUSE_AGENT_EXTRA_LABELS: Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(","),
  };
  const host: TestHost = {
    id: "",
    name,
    configDir,
    nginxPort,
    httpsPort,
    agent: runAgent(configDir, env),
    env,
    restartAgent() {
      host.agent = runAgent(configDir, env);
      return host.agent;
    },
    async tearDown() {
      // Each step runs whatever the one before did: a daemonised nginx left behind outlives the run.
      try {
        await host.agent.kill();
      } finally {
        try {
          await stopManagedNginx(configDir);
        } finally {
          removeConfigDir(configDir);
        }
      }
    },
  };
  try {
    const found = await waitFor(
      async () => {
        const hosts = await admin.query<{ hosts: { id: string; name: string; status: string }[] }>("hosts.list");
        return hosts.data?.hosts.find((h) => h.name === name && h.status === "online");
      },
      { what: `${name} to come Online`, timeoutMs: 20_000, intervalMs: 200 },
    );
    host.id = found.id;
    return host;
  } catch (error) {
    await host.tearDown();
    throw error;
  }
}

/**
 * Removes every container the agents of this test file created (they carry its owner label). A
 * clean-up step: an engine that does not answer is reported, not thrown, so the steps after it in
 * an afterAll (the agent, its nginx, the portal) still run; the run's end removes labelled leftovers.
 */
export async function removeAppContainers(): Promise<void> {
  const [key, value] = Object.entries(testContainerLabels()).find(([k]) => k !== "wheelhouse.test") ?? [];
  if (!key) return;
  try {
    await removeContainersWithLabel(`${key}=${value}`);
  } catch (error) {
    process.stderr.write(`could not remove this file's test containers: ${(error as Error).message}\n`);
  }
}

/** Polls a deployment until it has finished; returns it. */
export async function waitForDeployment(rest: RestClient, id: string, timeoutMs = 60_000): Promise<Deployment> {
  // A probe that throws is retried: a portal that was just restarted resets the keep-alive
  // connection of its predecessor.
  return waitFor(
    async () => (await rest.call<{ deployment: Deployment }>("GET", `/deployments/${id}`)).body.deployment,
    {
      what: `deployment ${id} to finish`,
      timeoutMs,
      until: (deployment) => inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, deployment.status),
    },
  );
}

/**
 * Creates an app of the test image (v1) on one host, deploys it and waits until it is Live: the
 * container Wheelhouse manages for a team, as the shell and permission suites need one. Returns the
 * first instance's container id. The test images are built on this engine and exist in no registry,
 * so the app's pull policy is "never" (the default, "always", would ask Docker Hub about them).
 */
export async function deployTestApp(
  rest: RestClient,
  name: string,
  hostId: string,
  { domains = [] }: { domains?: string[] } = {},
): Promise<string> {
  const created = await rest.call("POST", "/apps", {
    name,
    image: testAppImage("v1"),
    port: 8080,
    hosts: [hostId],
    domains,
    pullPolicy: "never",
  });
  if (created.status !== 200) throw new Error(JSON.stringify(created.body));
  const started = await rest.call<{ deployment: Deployment }>("POST", `/apps/${name}/deployments`, {});
  const live = await waitForDeployment(rest, started.body.deployment.id);
  if (live.status !== "Live") throw new Error(`${name} did not go live: ${live.failureReason}`);
  const detail = await rest.call<{ app: AppDetail }>("GET", `/apps/${name}`);
  const containerId = detail.body.app.instances[0]?.containerId;
  if (!containerId) throw new Error(`${name} is Live without an instance`);
  return containerId;
}

export async function deploymentLog(rest: RestClient, id: string): Promise<string> {
  const { body } = await rest.call<{ lines: { text: string }[] }>("GET", `/deployments/${id}/log?after=0`);
  return body.lines.map((line) => line.text).join("\n");
}

/**
 * Sends requests through nginx without pause (a new connection each, as keep-alive connections to
 * a reloading nginx are closed between requests by design) and records every answer.
 */
export class LoadGenerator {
  readonly answers: { at: number; status: number; body: string }[] = [];
  readonly failures: { at: number; error: string }[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(port: number, domain: string, concurrency = 4) {
    const worker = async () => {
      while (this.running) {
        try {
          const answer = await requestWithHost(port, domain);
          this.answers.push({ at: Date.now(), status: answer.status, body: answer.body });
        } catch (error) {
          this.failures.push({ at: Date.now(), error: (error as Error).message });
        }
      }
    };
    this.loop = Promise.all(Array.from({ length: concurrency }, worker)).then(() => undefined);
  }

  async stop() {
    this.running = false;
    await this.loop;
    return {
      total: this.answers.length + this.failures.length,
      failed: this.failures.length + this.answers.filter((a) => a.status !== 200).length,
      bodies: [...new Set(this.answers.map((a) => a.body))],
      notOk: this.answers.filter((a) => a.status !== 200).slice(0, 5),
      errors: this.failures.slice(0, 5),
    };
  }
}
