// bench/agent-footprint (issue 12, item 6): the agent as it ships, the bundle (one plain node
// process, decision 028), against the tsx way it ran before (a wrapper process and the TypeScript
// through tsx in a second one, tsx-wrapper.mjs), measured alternately in the same run:
//   - start → connected: from spawning `run` to the agent's "connected to the portal" log line;
//   - idle RSS of the agent's process tree (every process, wrapper included), after 5 s of settling;
//   - CPU of that tree over an idle window (heartbeats every 5 s only): 60 s, or
//     AGENT_FOOTPRINT_IDLE_SECONDS for a quick run.
// Targets: idle RSS ≤ 60 MiB, start → connected ≤ 1 s. nginx is off (NGINX_MODE=off): the managed
// nginx is its own daemon, not part of the agent's tree, and the same for both.
// AGENT_FOOTPRINT_NODE_FLAGS="--max-semi-space-size=1 …" adds a third variant: the bundle under
// those V8 flags (to measure what a flag would save before putting it in the unit).
//   npm run bench -- agent-footprint [ROUNDS]        (default 3 rounds of each)
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { agentConfigDir, enrollAgent, removeConfigDir } from "../../tests/support/agents.ts";
import { setUpAdmin } from "../../tests/support/api-client.ts";
import { collectJsonLines, type LogLine } from "../../tests/support/json-lines.ts";
import { ANY_ERROR, repoRoot, startPortal } from "../../tests/support/portal.ts";
import { waitFor } from "../../tests/support/wait-for.ts";

const rounds = Number(process.argv[2] ?? 3);
const idleSeconds = Number(process.env.AGENT_FOOTPRINT_IDLE_SECONDS ?? 60);
const SETTLE_MS = 5_000;
const bundle = join(repoRoot, "apps", "agent", "dist", "wheelhouse-agent", "wheelhouse-agent.mjs");
const tsxWrapper = join(repoRoot, "bench", "agent-footprint", "tsx-wrapper.mjs");
const CLOCK_TICKS = 100; // USER_HZ on Linux

const nodeFlags = (process.env.AGENT_FOOTPRINT_NODE_FLAGS ?? "").split(" ").filter(Boolean);
const VARIANTS: Record<string, string[]> = {
  bundle: [bundle, "run"],
  tsx: [tsxWrapper, "run"],
  ...(nodeFlags.length > 0 ? { "bundle+flags": [...nodeFlags, bundle, "run"] } : {}),
};
type Variant = string;

interface Sample {
  connectMs: number;
  rssMiB: number;
  processes: number;
  cpuPercent: number;
}

function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent === pid) found.push(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return found;
}

function tree(pid: number): number[] {
  return [pid, ...children(pid).flatMap(tree)];
}

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(")")[1]?.trim().split(" ") ?? [];
  // utime and stime: fields 14 and 15 of stat, 12 and 13 after the ")".
  return Number(fields[11]) + Number(fields[12]);
}

async function measure(variant: Variant, configDir: string): Promise<Sample> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, VARIANTS[variant] ?? [], {
    cwd: "/tmp",
    env: { PATH: process.env.PATH, WHEELHOUSE_AGENT_CONFIG_DIR: configDir, NGINX_MODE: "off", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: LogLine[] = [];
  let connectedAt = 0;
  collectJsonLines(child.stdout as NonNullable<ChildProcess["stdout"]>, logs);
  try {
    await waitFor(() => logs.some((line) => line.msg === "connected to the portal"), {
      what: `the ${variant} agent to connect`,
      timeoutMs: 30_000,
      intervalMs: 5,
    });
    connectedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const pids = tree(child.pid ?? 0);
    const rss = pids.reduce((sum, pid) => sum + rssKiB(pid), 0);
    const before = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const windowStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1_000));
    const after = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const seconds = (performance.now() - windowStart) / 1_000;
    return {
      connectMs: connectedAt - started,
      rssMiB: rss / 1024,
      processes: pids.length,
      cpuPercent: ((after - before) / CLOCK_TICKS / seconds) * 100,
    };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main() {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: npm run build makes it.`);
  const portal = await startPortal();
  const dirs: string[] = [];
  try {
    const admin = await setUpAdmin(portal.url);
    const enrolled: Record<Variant, string> = {};
    for (const variant of Object.keys(VARIANTS)) {
      const name = `footprint-${variant.replace(/[^a-z0-9-]/g, "-")}`;
      const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
      if (!created.data) throw new Error(`no enrolment token for ${name}: ${JSON.stringify(created.error)}`);
      const dir = agentConfigDir();
      dirs.push(dir);
      const result = await enrollAgent(dir, portal.url, created.data.token);
      if (result.code !== 0) throw new Error(result.stderr);
      enrolled[variant] = dir;
    }
    const samples: Record<Variant, Sample[]> = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const variant of Object.keys(VARIANTS)) {
        const sample = await measure(variant, enrolled[variant] ?? "");
        samples[variant]?.push(sample);
        process.stdout.write(
          `round ${round + 1} ${variant}: connected in ${sample.connectMs.toFixed(0)} ms, ${sample.processes} process(es), RSS ${sample.rssMiB.toFixed(1)} MiB, idle CPU ${sample.cpuPercent.toFixed(2)} % of a core\n`,
        );
      }
    }
    const summary = (variant: Variant) => {
      const of = samples[variant] ?? [];
      return {
        connectMs: median(of.map((s) => s.connectMs)),
        rssMiB: median(of.map((s) => s.rssMiB)),
        cpuPercent: median(of.map((s) => s.cpuPercent)),
        processes: of[0]?.processes ?? 0,
      };
    };
    const t = summary("tsx");
    const lines = ["", `medians of ${rounds} rounds, idle window ${idleSeconds} s (ratio: against the tsx way):`];
    lines.push("| variant | processes | start → connected (ms) | idle RSS (MiB) | idle CPU (% of a core) |");
    lines.push("| --- | ---: | ---: | ---: | ---: |");
    for (const variant of Object.keys(VARIANTS)) {
      const s = summary(variant);
      const ratio = (value: number, base: number) => (variant === "tsx" ? "" : ` (${(value / base).toFixed(2)}×)`);
      const mark = (ok: boolean) => (variant === "tsx" ? "" : ok ? " ✓" : " ✗");
      lines.push(
        `| ${variant} | ${s.processes} | ${s.connectMs.toFixed(0)}${ratio(s.connectMs, t.connectMs)}${mark(s.connectMs <= 1_000)} | ${s.rssMiB.toFixed(1)}${ratio(s.rssMiB, t.rssMiB)}${mark(s.rssMiB <= 60)} | ${s.cpuPercent.toFixed(2)} |`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    for (const dir of dirs) removeConfigDir(dir);
    await portal.stop({ expectedErrors: ANY_ERROR });
  }
}

await main();
