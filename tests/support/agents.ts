// Real agent processes for tests: `wheelhouse-agent enroll` and `run`, each with its own config
// directory, talking to a test portal over loopback.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostFacts } from "@wheelhouse/shared";
import type { ApiClient } from "./api-client.ts";
import { collectJsonLines, type LogLine } from "./json-lines.ts";
import { repoRoot } from "./portal.ts";

const cli = join(repoRoot, "apps", "agent", "src", "cli.ts");

/** Facts for hand-made enrolments (tests that talk the protocol themselves). */
export const SAMPLE_FACTS: HostFacts = {
  hostname: "test-host",
  os: "Debian GNU/Linux 12 (bookworm)",
  kernel: "6.1.0",
  arch: "x64",
  cpus: 2,
  memoryBytes: 24 * 1024 ** 3,
  diskBytes: 100 * 1024 ** 3,
  dockerVersion: null,
};

export interface AgentProcess {
  configDir: string;
  process: ChildProcess;
  logs: LogLine[];
  stderr: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function agentConfigDir(): string {
  return mkdtempSync(join(tmpdir(), "wheelhouse-agent-"));
}

/**
 * nginx is off unless the caller asks for it (`extra`, e.g. managedNginxEnv from ./nginx.ts): agents
 * run in parallel, and a managed nginx on the default port 8080 would be shared, or refused, between them.
 */
function agentEnv(configDir: string, extra: Record<string, string> = {}) {
  return { ...process.env, WHEELHOUSE_AGENT_CONFIG_DIR: configDir, LOG_LEVEL: "debug", NGINX_MODE: "off", ...extra };
}

/**
 * Runs `wheelhouse-agent enroll` to completion. Asynchronous on purpose: a blocking spawnSync would
 * stall the test's event loop, so HTTP keep-alive sockets the portal closed meanwhile would be
 * reused and fail with "other side closed".
 */
export function enrollAgent(
  configDir: string,
  portalUrl: string,
  token: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, "enroll", "--portal", portalUrl, "--token", token], {
      env: agentEnv(configDir),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `wheelhouse-agent run` in the background. */
export function runAgent(configDir: string, extraEnv: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, ["--import", "tsx", cli, "run"], {
    env: agentEnv(configDir, extraEnv),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  let stderr = "";
  collectJsonLines(child.stdout, logs);
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    configDir,
    process: child,
    logs,
    stderr: () => stderr,
    exited,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function removeConfigDir(configDir: string) {
  rmSync(configDir, { recursive: true, force: true });
}

/**
 * A host row made through the real enrolment endpoint, with no agent behind it: what a test needs
 * when apps or host actions must name a host but nothing has to run there.
 */
export async function enrollHostRow(admin: ApiClient, portalUrl: string, name: string): Promise<string> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  if (!created.data) throw new Error(`could not create an enrolment: ${JSON.stringify(created.error)}`);
  const res = await fetch(`${portalUrl}/api/agent/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: created.data.token, version: "test", facts: { ...SAMPLE_FACTS, hostname: name } }),
  });
  if (res.status !== 200) throw new Error(`enrolment of ${name} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { hostId: string }).hostId;
}
