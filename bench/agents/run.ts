// bench/agents: N simulated agents connected to one portal vs. a bare `ws` server speaking the same
// messages, measured in the same run on the same machine:
//   - server memory (RSS) per connected agent, and idle CPU (heartbeats only) over 10 s;
//   - fan-out: one command to every agent at once, p50/p99 time until each acknowledges;
//   - reconnect: time for all agents to be back after the server restarts.
// Targets (issue "Agents…"): memory ≤ 1.5× the bare server's; fan-out to 1,000 agents p99 ≤ 250 ms;
// 1,000 agents reconnected ≤ 10 s.
//   npm run bench -- agents [N ...]      (default 100 1000 5000 10000)
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { secretHash } from "../../apps/web/src/server/hosts/agent-keys.ts";
import { freePort } from "../../scripts/lib/free-port.ts";
import { setUpAdmin } from "../../tests/support/api-client.ts";
import { ANY_ERROR, type Portal, repoRoot, startPortal } from "../../tests/support/portal.ts";

const CLK_TCK = 100;
const IDLE_WINDOW_MS = 10_000;
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const fleetSizes = sizes.length > 0 ? sizes : [100, 1000, 5000, 10000];

function rssNow(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}

/** RSS after a full garbage collection (both servers run with --expose-gc and collect on SIGUSR2). */
async function rssBytes(pid: number): Promise<number> {
  process.kill(pid, "SIGUSR2");
  await sleep(1_500);
  return rssNow(pid);
}
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** Starts simulated agents across a few processes; resolves when every one is connected. */
async function startFleet(mode: "wheelhouse" | "ws", url: string, keys: string[]) {
  const processes = Math.min(4, Math.max(1, Math.ceil(keys.length / 2500)));
  const children: ChildProcess[] = [];
  const counts = new Array<number>(processes).fill(0);
  const ready = Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const share = keys.filter((_, k) => k % processes === i);
      const child = spawn(
        process.execPath,
        ["--max-old-space-size=4096", "--import", "tsx", "bench/agents/simulated-agents.ts", mode, url],
        {
          cwd: repoRoot,
          stdio: ["pipe", "pipe", "inherit"],
        },
      );
      children.push(child);
      child.stdin?.end(share.join("\n"));
      return new Promise<void>((resolve) => {
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
          const match = /^connected (\d+)/.exec(line);
          if (match) counts[i] = Number(match[1]);
          if (line === "ready") resolve();
        });
      });
    }),
  );
  return {
    ready,
    connected: () => counts.reduce((a, b) => a + b, 0),
    stop: () => {
      for (const child of children) child.kill("SIGKILL");
    },
  };
}

async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(100);
  }
  return Date.now() - started;
}

interface Row {
  server: string;
  agents: number;
  rssPerAgentKiB: number;
  idleCpuPercent: number;
  fanoutP50: number;
  fanoutP99: number;
  reconnectS: number;
}

async function measureIdle(pid: number) {
  const t0 = cpuTicks(pid);
  await sleep(IDLE_WINDOW_MS);
  return ((cpuTicks(pid) - t0) / CLK_TCK / (IDLE_WINDOW_MS / 1000)) * 100;
}

/** One server under test: how to reach it, ask it to fan out, and restart it. */
interface ServerUnderTest {
  name: string;
  pid: number;
  agentUrl: string;
  mode: "wheelhouse" | "ws";
  /** One command to every agent; the per-agent round trips. */
  fanout(): Promise<{ ok: boolean; ms: number }[]>;
  stop(): Promise<void>;
  /** Starts it again on the same address and state; resolves once it listens. */
  restart(): Promise<void>;
  cleanUp(): Promise<void>;
}

/** The same measurements, in the same order, for either server. */
async function measure(server: ServerUnderTest, keys: string[]): Promise<Row> {
  const n = keys.length;
  await sleep(2_000);
  const rssBefore = await rssBytes(server.pid);
  const fleet = await startFleet(server.mode, server.agentUrl, keys);
  await fleet.ready;
  await sleep(5_000);
  const idleCpu = await measureIdle(server.pid);
  const rssAfter = await rssBytes(server.pid);

  let times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const results = await server.fanout();
    const answered = results.filter((r) => r.ok).length;
    if (results.length !== n || answered !== n) throw new Error(`${server.name}: fan-out reached ${answered} of ${n}`);
    times = results.map((r) => r.ms);
  }

  await server.stop();
  await until(() => fleet.connected() === 0, 30_000);
  const restarted = Date.now();
  await server.restart();
  await until(() => fleet.connected() === n, 120_000);
  const reconnect = (Date.now() - restarted) / 1000;
  fleet.stop();
  await server.cleanUp();
  return {
    server: server.name,
    agents: n,
    rssPerAgentKiB: (rssAfter - rssBefore) / n / 1024,
    idleCpuPercent: idleCpu,
    fanoutP50: percentile(times, 50),
    fanoutP99: percentile(times, 99),
    reconnectS: reconnect,
  };
}

const newKeys = (n: number) => Array.from({ length: n }, () => `wha_${randomBytes(32).toString("base64url")}`);

async function benchWheelhouse(n: number): Promise<Row> {
  let portal: Portal = await startPortal({ env: { LOG_LEVEL: "warn", NODE_OPTIONS: "--expose-gc" } });
  const admin = await setUpAdmin(portal.url);
  // Hosts go straight into the database: enrolment is not what is measured here.
  const keys = newKeys(n);
  const db = new Database(portal.databaseUrl.slice("file:".length));
  const teamId = (db.prepare(`SELECT id FROM "Team" LIMIT 1`).get() as { id: string }).id;
  const insert = db.prepare(
    `INSERT INTO "Host" (id, "teamId", name, "keyHash", facts, "createdAt") VALUES (?, ?, ?, ?, '{}', ?)`,
  );
  db.transaction(() => {
    for (const [i, key] of keys.entries()) insert.run(`bench${i}`, teamId, `sim-${i}`, secretHash(key), Date.now());
  })();
  db.close();
  const { port, databaseUrl, dataDir } = portal;
  return measure(
    {
      name: "Wheelhouse portal (Socket.IO)",
      pid: portal.process.pid as number,
      agentUrl: portal.url,
      mode: "wheelhouse",
      fanout: async () =>
        (await admin.mutate<{ results: { ok: boolean; ms: number }[] }>("hosts.pingAll")).data?.results ?? [],
      stop: () => portal.stop({ expectedErrors: ANY_ERROR, keepData: true }),
      restart: async () => {
        portal = await startPortal({ port, databaseUrl, dataDir, waitFor: "live", env: { LOG_LEVEL: "warn" } });
      },
      cleanUp: async () => {
        await portal.stop({ expectedErrors: ANY_ERROR });
        // The restarted portal was handed the first one's data directory, so it is ours to remove.
        rmSync(dataDir, { recursive: true, force: true });
      },
    },
    keys,
  );
}

async function startBaseline(port: number, keys: string[]) {
  const child = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "bench/agents/ws-baseline-server.ts", String(port)],
    {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  child.stdin?.end(keys.join("\n"));
  await new Promise<void>((resolve) =>
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on(
      "line",
      (line) => line === "listening" && resolve(),
    ),
  );
  return child;
}

async function benchBaseline(n: number): Promise<Row> {
  const port = await freePort();
  const keys = newKeys(n);
  let server = await startBaseline(port, keys);
  return measure(
    {
      name: "bare ws server (baseline)",
      pid: server.pid as number,
      agentUrl: `ws://127.0.0.1:${port}/`,
      mode: "ws",
      fanout: async () =>
        (
          (await (await fetch(`http://127.0.0.1:${port}/fanout`, { method: "POST" })).json()) as {
            results: { ok: boolean; ms: number }[];
          }
        ).results,
      stop: async () => {
        server.kill("SIGTERM");
      },
      restart: async () => {
        server = await startBaseline(port, keys);
      },
      cleanUp: async () => {
        server.kill("SIGTERM");
      },
    },
    keys,
  );
}

/**
 * Wheelhouse's memory per agent over the baseline's. A delta at or below zero means the growth was
 * lost in the process's own fluctuation (GC, lazy start-up work): no ratio can be read from it.
 */
function memoryRatio(ours: Row, base: Row): string {
  if (ours.rssPerAgentKiB <= 0 || base.rssPerAgentKiB <= 0) return "below noise";
  return (ours.rssPerAgentKiB / base.rssPerAgentKiB).toFixed(2);
}

const rows: Row[] = [];
for (const n of fleetSizes) {
  console.error(`… ${n} agents: baseline`);
  const base = await benchBaseline(n);
  console.error(`… ${n} agents: Wheelhouse`);
  const ours = await benchWheelhouse(n);
  rows.push(base, ours);
  console.error(
    `   ${n}: memory per agent ${ours.rssPerAgentKiB.toFixed(1)} vs ${base.rssPerAgentKiB.toFixed(1)} KiB, fan-out p99 ${ours.fanoutP99.toFixed(1)} ms (baseline ${base.fanoutP99.toFixed(1)}), reconnect ${ours.reconnectS.toFixed(1)} s`,
  );
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");
console.log(
  "\n| server | agents | RSS per agent (KiB) | idle CPU (% of a core) | fan-out p50 (ms) | fan-out p99 (ms) | all reconnected (s) |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(
    `| ${r.server} | ${r.agents} | ${f(r.rssPerAgentKiB)} | ${f(r.idleCpuPercent)} | ${f(r.fanoutP50)} | ${f(r.fanoutP99)} | ${f(r.reconnectS)} |`,
  );
}
console.log(
  "\n| agents | memory per agent, Wheelhouse ÷ baseline (target ≤ 1.5) | fan-out p99 (target ≤ 250 ms at 1,000) | reconnect (target ≤ 10 s at 1,000) |",
);
console.log("| ---: | ---: | ---: | ---: |");
for (let i = 0; i < rows.length; i += 2) {
  const base = rows[i] as Row;
  const ours = rows[i + 1] as Row;
  console.log(`| ${ours.agents} | ${memoryRatio(ours, base)} | ${f(ours.fanoutP99)} ms | ${f(ours.reconnectS)} s |`);
}
