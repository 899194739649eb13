// One agent per config directory: a second `wheelhouse-agent run` on a directory a running agent
// holds exits at once with its own code and a sentence; a lock left by an agent killed with SIGKILL
// is taken over; an agent tied to a process (WHEELHOUSE_AGENT_STOP_WITH_PID) stops when that process
// dies, SIGKILL included; and the bin wrapper passes SIGTERM on instead of orphaning the agent.
// No portal is needed: the agents dial a loopback port nobody listens on and keep retrying.

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EXIT_CONFIG_LOCKED } from "../../apps/agent/src/config/config-lock.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { agentPidsFor, processRuns } from "../support/agent-processes.ts";
import { type AgentProcess, agentConfigDir, removeConfigDir, runAgent } from "../support/agents.ts";
import { collectJsonLines, type LogLine } from "../support/json-lines.ts";
import { repoRoot } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

const configDirs: string[] = [];
const started: AgentProcess[] = [];
const others: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((agent) => agent.kill("SIGKILL")));
  for (const child of others.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of configDirs) removeConfigDir(dir);
});

/** A config directory with an agent.json, pointing at a loopback port nothing listens on. */
async function enrolledDir(): Promise<string> {
  const dir = agentConfigDir();
  configDirs.push(dir);
  const file = {
    portalUrl: `http://127.0.0.1:${await freePort()}`,
    hostId: "host-lock-test",
    hostName: "lock-test",
    agentKey: "wha_lock-test-key-0123456789",
  };
  writeFileSync(join(dir, "agent.json"), JSON.stringify(file), { mode: 0o600 });
  return dir;
}

// The Docker socket is a path with nothing behind it: these agents must not touch the engine.
const quietEnv = { DOCKER_SOCKET: "/nonexistent/docker.sock", LOG_LEVEL: "info" };

function start(dir: string, env: Record<string, string> = {}): AgentProcess {
  const agent = runAgent(dir, { ...quietEnv, ...env });
  started.push(agent);
  return agent;
}

/** Waits until the agent logged that it started (it holds the lock by then). */
async function running(agent: AgentProcess): Promise<void> {
  await waitFor(() => agent.logs.some((line) => line.msg === "agent started") || agent.process.exitCode !== null, {
    what: "agent started",
    timeoutMs: 30_000,
  });
  expect(agent.process.exitCode, agent.stderr()).toBeNull();
}

function lockHolder(dir: string): number {
  return (JSON.parse(readFileSync(join(dir, "agent.lock"), "utf8")) as { pid: number }).pid;
}

describe("one agent per config directory", () => {
  it("refuses a second agent at once with exit code 75 and a sentence naming the first", async () => {
    const dir = await enrolledDir();
    const first = start(dir);
    await running(first);
    expect(lockHolder(dir)).toBe(first.process.pid);

    const startedAt = Date.now();
    const second = start(dir);
    const code = await second.exited;
    expect(code).toBe(EXIT_CONFIG_LOCKED);
    // "At once": start-up through tsx takes a few seconds on a busy machine, the refusal no more.
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    expect(second.stderr()).toContain(
      `wheelhouse-agent: another agent (PID ${first.process.pid}) is already running with ${dir}`,
    );
    // The refused one never dialled the portal.
    expect(second.logs.some((line) => line.msg === "agent started")).toBe(false);
    // The first is untouched and still holds the lock.
    expect(first.process.exitCode).toBeNull();
    expect(lockHolder(dir)).toBe(first.process.pid);
  });

  it("takes over the lock of an agent killed with SIGKILL, and releases it on a clean stop", async () => {
    const dir = await enrolledDir();
    const first = start(dir);
    await running(first);
    await first.kill("SIGKILL");
    // The killed agent could not clean up: its lock is still there, naming a dead process.
    expect(lockHolder(dir)).toBe(first.process.pid);

    const second = start(dir);
    await running(second);
    expect(lockHolder(dir)).toBe(second.process.pid);
    expect(agentPidsFor(dir)).toEqual([second.process.pid]);

    expect(await second.kill("SIGTERM")).toBe(0);
    expect(() => readFileSync(join(dir, "agent.lock"))).toThrow(/ENOENT/);
  });

  it("stops when the process it is tied to dies, even by SIGKILL", async () => {
    const dir = await enrolledDir();
    // Stands in for the portal of `npm start`.
    const portal = spawn("sleep", ["600"], { stdio: "ignore" });
    others.push(portal);
    const agent = start(dir, { WHEELHOUSE_AGENT_STOP_WITH_PID: String(portal.pid) });
    await running(agent);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(agent.process.exitCode).toBeNull();

    const killedAt = Date.now();
    portal.kill("SIGKILL");
    expect(await agent.exited).toBe(0);
    // It checks every second.
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(agent.logs.some((line) => line.msg === "agent stopping" && /ended/.test(String(line.reason)))).toBe(true);
    expect(() => readFileSync(join(dir, "agent.lock"))).toThrow(/ENOENT/);
  });

  it("stops the agent when its bin wrapper gets SIGTERM (no orphan left behind)", async () => {
    const dir = await enrolledDir();
    const wrapper = spawn(process.execPath, [join(repoRoot, "apps", "agent", "bin", "wheelhouse-agent.mjs"), "run"], {
      env: { ...process.env, ...quietEnv, WHEELHOUSE_AGENT_CONFIG_DIR: dir, NGINX_MODE: "off" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    others.push(wrapper);
    const logs: LogLine[] = [];
    collectJsonLines(wrapper.stdout, logs);
    // Started (signal handlers in place), as the wrapper's inherited stdout shows.
    await waitFor(() => logs.some((line) => line.msg === "agent started"), {
      what: "the agent behind the wrapper runs",
      timeoutMs: 30_000,
    });
    const [agentPid = 0, ...more] = agentPidsFor(dir);
    expect(more).toEqual([]);
    expect(safeHolder(dir)).toBe(agentPid);

    const exited = new Promise<number | null>((resolve) => wrapper.once("exit", (code) => resolve(code)));
    wrapper.kill("SIGTERM");
    expect(await exited).toBe(0);
    await waitFor(() => !processRuns(agentPid), { what: "the agent behind the wrapper ends", timeoutMs: 5_000 });
    expect(agentPidsFor(dir)).toEqual([]);
  });
});

function safeHolder(dir: string): number | null {
  try {
    return lockHolder(dir);
  } catch {
    return null;
  }
}
