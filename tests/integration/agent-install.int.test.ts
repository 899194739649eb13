// A host joins in one command (issue 12): the install script, piped from the portal's own
// /install/agent.sh as an admin would run it, as root, with --prefix and --config-dir in a temporary
// directory and --no-service, from a directory that cannot see this repository's node_modules (and
// without NODE_PATH). The agent it installs is the bundle the portal serves; the oracles are the
// portal's host list, nginx answering for the app's domain, /proc and the docker CLI.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { processRuns } from "../support/agent-processes.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { removeAppContainers, waitForDeployment } from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  runDocker,
  testAppImage,
  testAppPage,
  testContainerLabels,
} from "../support/docker.ts";
import { requestWithHost, stopManagedNginx } from "../support/nginx.ts";
import { type Portal, repoRoot, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const DOMAIN = "installed.test";
let portal: Portal;
let admin: ApiClient;
let rest: RestClient;
// In /tmp, away from the checkout: no node_modules up the path from here.
const scratch = mkdtempSync(join(tmpdir(), "wheelhouse-install-"));
// Searchable by others, as /etc is: the managed nginx's workers (nobody) pass through to its temp dirs.
chmodSync(scratch, 0o755);
let nginxPort: number;
let fakePortal: Server | undefined;
/** Every agent PID this file saw start; killed in afterAll if one still runs. */
const agentPids = new Set<number>();
/** Every config directory an install was pointed at: its agent and managed nginx are stopped in afterAll. */
const configDirs = new Set<string>();

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  if (!existsSync(join(repoRoot, "apps", "agent", "dist", "manifest.json")))
    throw new Error("The agent bundle is not built: run `bash scripts/lib/build-if-stale.sh` first.");
  await ensureTestAppImage("v1");
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  nginxPort = await freePort();
}, 180_000);

afterAll(async () => {
  for (const configDir of configDirs) {
    if (existsSync(join(configDir, "agent.pid"))) agentPid({ configDir, prefix: "" });
  }
  for (const pid of agentPids) if (processRuns(pid)) process.kill(pid, "SIGKILL");
  for (const configDir of configDirs) await stopManagedNginx(configDir);
  await new Promise((resolve) => (fakePortal ? fakePortal.close(resolve) : resolve(undefined)));
  await removeAppContainers();
  rmSync(scratch, { recursive: true, force: true });
  await portal?.stop();
});

interface Layout {
  prefix: string;
  configDir: string;
}

function layout(name: string): Layout {
  const configDir = join(scratch, name, "etc");
  configDirs.add(configDir);
  return { prefix: join(scratch, name, "opt"), configDir };
}

/**
 * `curl -fsSL PORTAL/install/agent.sh | sh -s -- ARGS`, in an empty directory under /tmp, with only
 * PATH, HOME, TMPDIR and the agent's settings in the environment (no NODE_PATH, no NODE_OPTIONS).
 */
function runInstaller(portalUrl: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const cwd = join(scratch, "cwd");
  mkdirSync(cwd, { recursive: true });
  const labels = Object.entries(testContainerLabels())
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: scratch,
    TMPDIR: scratch,
    LOG_LEVEL: "info",
    NGINX_HTTP_PORT: String(nginxPort),
    // HTTPS is not listened on until certificates exist; still, keep off the default 8443.
    NGINX_HTTPS_PORT: "1",
    WHEELHOUSE_AGENT_EXTRA_LABELS: labels,
  };
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", 'curl -fsSL "$0/install/agent.sh" | sh -s -- "$@"', portalUrl, ...args], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function newToken(name: string): Promise<string> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  return created.data.token;
}

async function hostsNamed(name: string) {
  const hosts = await admin.query<{ hosts: { id: string; name: string; status: string }[] }>("hosts.list");
  return hosts.data?.hosts.filter((host) => host.name === name) ?? [];
}

function agentPid({ configDir }: Layout): number {
  const pid = Number(readFileSync(join(configDir, "agent.pid"), "utf8").trim());
  agentPids.add(pid);
  return pid;
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
}

function hostIdIn({ configDir }: Layout): string {
  return (JSON.parse(readFileSync(join(configDir, "agent.json"), "utf8")) as { hostId: string }).hostId;
}

describe("the install script", () => {
  const installed = layout("host");
  const args = ["--prefix", installed.prefix, "--config-dir", installed.configDir, "--no-service"];
  let hostId = "";
  let containerId = "";

  it("installs the bundle, enrols, starts the agent and returns once the portal reports it Online", async () => {
    expect(existsSync(join(scratch, "node_modules")) || existsSync("/tmp/node_modules")).toBe(false);
    const token = await newToken("installed-host");
    const run = await runInstaller(portal.url, ["--token", token, ...args]);
    const finished = Date.now();
    expect(run.code, run.output).toBe(0);
    for (const step of ["Checking Node.js", "Checking the Docker engine", "Verifying the download", "Enrolling with"]) {
      expect(run.output).toContain(`==> ${step}`);
    }
    expect(run.output).toContain("installed-host is online");

    const [host] = await waitFor(
      async () => (await hostsNamed("installed-host")).filter((h) => h.status === "online"),
      {
        what: "installed-host Online on the Hosts list",
        timeoutMs: 10_000,
        until: (found) => found.length === 1,
      },
    );
    expect(Date.now() - finished).toBeLessThan(10_000);
    hostId = host?.id ?? "";
    expect(hostIdIn(installed)).toBe(hostId);

    // One plain node process running the installed bundle: no tsx, nothing from the checkout.
    const pid = agentPid(installed);
    expect(processRuns(pid)).toBe(true);
    const argv = cmdline(pid);
    expect(argv.slice(1)).toEqual([join(installed.prefix, "lib", "wheelhouse-agent.mjs"), "run"]);
    expect(argv.join(" ")).not.toContain(repoRoot);
    expect(existsSync(join(installed.configDir, "agent.log"))).toBe(true);
  });

  it("deploys an app to the installed agent, served through its nginx", async () => {
    const created = await rest.call("POST", "/apps", {
      name: "installed",
      image: testAppImage("v1"),
      // Built on this engine, in no registry.
      pullPolicy: "never",
      port: 8080,
      hosts: [hostId],
      domains: [DOMAIN],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/installed/deployments", {});
    const deployment = await waitForDeployment(rest, started.body.deployment.id);
    expect(deployment.status, deployment.failureReason ?? "").toBe("Live");
    const answer = await waitFor(() => requestWithHost(nginxPort, DOMAIN), {
      what: `nginx on ${nginxPort} to serve ${DOMAIN}`,
      timeoutMs: 10_000,
      until: (res) => res.status === 200,
    });
    expect(answer.body).toBe(testAppPage("v1"));
    containerId = (await runDocker(["ps", "--quiet", "--no-trunc", "--filter", "label=wheelhouse.app.name=installed"]))
      .trim()
      .split("\n")[0] as string;
    expect(containerId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("upgrades in place when run again: same host, a new agent process, the app still served", async () => {
    const before = agentPid(installed);
    const run = await runInstaller(portal.url, args);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("==> Upgrading the agent in");
    expect(run.output).toContain("==> Keeping this host's enrolment");
    expect(run.output).toContain("installed-host is online");
    expect(processRuns(before)).toBe(false);
    const after = agentPid(installed);
    expect(after).not.toBe(before);
    expect(processRuns(after)).toBe(true);
    expect(hostIdIn(installed)).toBe(hostId);
    const hosts = await hostsNamed("installed-host");
    expect(hosts.map((h) => [h.id, h.status])).toEqual([[hostId, "online"]]);
    expect((await requestWithHost(nginxPort, DOMAIN)).body).toBe(testAppPage("v1"));
  });

  it("--uninstall removes the agent, its nginx and its files, and leaves the app's container running", async () => {
    const pid = agentPid(installed);
    const run = await runInstaller(portal.url, ["--uninstall", "--prefix", installed.prefix]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/App containers were left alone \(1 running\)/);
    expect(processRuns(pid)).toBe(false);
    expect(existsSync(installed.prefix)).toBe(false);
    expect(existsSync(installed.configDir)).toBe(false);
    // Its managed nginx is gone with it.
    await expect(requestWithHost(nginxPort, DOMAIN)).rejects.toThrow(/ECONNREFUSED/);
    expect((await runDocker(["inspect", "--format", "{{.State.Running}}", containerId])).trim()).toBe("true");
    await waitFor(async () => (await hostsNamed("installed-host"))[0]?.status !== "online", {
      what: "the portal to notice the agent is gone",
      timeoutMs: 10_000,
    });
  });
});

describe("GET /api/agent/status", () => {
  it("answers only to a known agent key, and audits a refusal", async () => {
    const answer = await fetch(`${portal.url}/api/agent/status`, {
      headers: { authorization: `Bearer wha_${"x".repeat(43)}` },
    });
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(
      /This agent key is not known to the portal/,
    );
    const audit = await admin.query<{ events: { action: string; outcome: string }[] }>("audit.list", {
      action: "hosts.agent.status",
    });
    expect(audit.data?.events.map((event) => event.outcome)).toContain("denied");
  });
});

describe("a tampered bundle", () => {
  it("is refused with a sentence, and nothing is installed", async () => {
    // A stand-in for whatever sits between host and portal: the portal's script and checksum,
    // and its tarball with one byte changed.
    const original = Buffer.from(await (await fetch(`${portal.url}/install/wheelhouse-agent.tar.gz`)).arrayBuffer());
    const tampered = Buffer.from(original);
    tampered[tampered.length >> 1] = (tampered[tampered.length >> 1] ?? 0) ^ 0xff;
    fakePortal = createServer((req, res) => {
      if (req.url === "/install/wheelhouse-agent.tar.gz") {
        res.writeHead(200, { "content-type": "application/gzip" });
        res.end(tampered);
        return;
      }
      fetch(`${portal.url}${req.url}`).then(
        async (answer) => {
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
          res.end(Buffer.from(await answer.arrayBuffer()));
        },
        (error: unknown) => {
          res.writeHead(502);
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => fakePortal?.listen(0, "127.0.0.1", resolve));
    const fakeUrl = `http://127.0.0.1:${(fakePortal.address() as AddressInfo).port}`;

    const target = layout("tampered");
    const token = await newToken("tampered-host");
    const run = await runInstaller(fakeUrl, [
      "--portal",
      fakeUrl,
      "--token",
      token,
      "--prefix",
      target.prefix,
      "--config-dir",
      target.configDir,
      "--no-service",
    ]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /the downloaded agent does not match the portal's checksum \(SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\): it was changed or damaged on the way\. Nothing was installed\./,
    );
    expect(existsSync(target.prefix)).toBe(false);
    expect(existsSync(target.configDir)).toBe(false);
    // The token was never used: the host did not enrol.
    expect(await hostsNamed("tampered-host")).toEqual([]);
  });
});
