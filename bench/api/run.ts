// bench/api (B5): the apps list and one mutation with its audit write through the portal's REST API
// with an API key, against a bare node:http handler doing the same queries with the same driver
// (bare-server.ts), on SQLite and on PostgreSQL, 50 concurrent keep-alive clients (autocannon).
// Target (issue 10): Wheelhouse ≥ 0.5× the bare handler's requests per second, with p99 ≤ 50 ms.
//   npm run bench -- api [SECONDS] [ROUNDS] [APPS] [DATABASES]
//   (default 5 s per measurement, 3 rounds alternated, 10 apps in the team, "sqlite,postgres")
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { freePort } from "../../scripts/lib/free-port.ts";
import { type PostgresCluster, startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { ADMIN, setUpAdmin } from "../../tests/support/api-client.ts";
import { type Portal, repoRoot, startPortal } from "../../tests/support/portal.ts";
import { apiKeyFor } from "../../tests/support/rest-client.ts";

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);
const appCount = Number(process.argv[4] ?? 10);
const databases = (process.argv[5] ?? "sqlite,postgres").split(",") as ("sqlite" | "postgres")[];
const CONNECTIONS = 50;
const WARM_UP_SECONDS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Children to stop by PID if this run is interrupted. */
const children = new Set<ChildProcess>();

interface Scenario {
  name: "list" | "update";
  method: "GET" | "PATCH";
  path: string;
  body?: string;
}
const SCENARIOS: Scenario[] = [
  { name: "list", method: "GET", path: "/api/v1/apps" },
  // A change of variables: written, audited, and no host's nginx concerned (no domains change).
  { name: "update", method: "PATCH", path: "/api/v1/apps/bench-0", body: JSON.stringify({ env: { BENCH: "1" } }) },
];
type Side = "wheelhouse" | "bare";

interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function load(baseUrl: string, token: string, scenario: Scenario, duration: number): Promise<Sample> {
  const result = await autocannon({
    url: `${baseUrl}${scenario.path}`,
    connections: CONNECTIONS,
    duration,
    method: scenario.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(scenario.body ? { "content-type": "application/json" } : {}),
    },
    ...(scenario.body ? { body: scenario.body } : {}),
  });
  if (process.env.BENCH_VERBOSE) process.stdout.write(`${JSON.stringify(result)}\n`);
  // A benchmark of refusals or errors would measure the wrong thing: every answer must be a 2xx.
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${scenario.method} ${scenario.path} on ${baseUrl}: ${result.non2xx} non-2xx answers, ${result.errors} errors (${result.timeouts} timeouts)`,
    );
  }
  return { rps: result.requests.total / duration, p50: result.latency.p50, p99: result.latency.p99 };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * When the load stops, a server still works through the requests it had accepted; on a loaded
 * machine that takes seconds, and its writes would overlap the other side's measurement. Wait
 * until it uses less than a tenth of a core (at most 60 s).
 */
async function settle(pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  let before = cpuSeconds(pid);
  while (Date.now() < deadline) {
    await sleep(500);
    const now = cpuSeconds(pid);
    if (now - before < 0.05) return;
    before = now;
  }
}

function startBareServer(databaseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "bench", "api", "bare-server.ts")], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (chunk.includes("listening")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the bare server exited with code ${code}`)));
  });
}

/** One client, one request at a time: the time a request takes without queueing (median ms). */
async function serial(baseUrl: string, token: string, scenario: Scenario, count: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const res = await fetch(`${baseUrl}${scenario.path}`, {
      method: scenario.method,
      headers: { authorization: `Bearer ${token}`, ...(scenario.body ? { "content-type": "application/json" } : {}) },
      ...(scenario.body ? { body: scenario.body } : {}),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${scenario.method} ${scenario.path}: HTTP ${res.status}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function createDatabase(cluster: PostgresCluster): Promise<string> {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    await client.query("CREATE DATABASE wh_bench_api");
  } finally {
    await client.end();
  }
  const url = new URL(cluster.url);
  url.pathname = "/wh_bench_api";
  return url.toString();
}

/** An admin, one enrolled host (no agent runs: nothing here reaches a host) and `appCount` apps; returns an API key. */
async function setUp(portal: Portal): Promise<string> {
  const admin = await setUpAdmin(portal.url);
  const enrollment = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name: "bench-host" });
  if (!enrollment.data) throw new Error(`createEnrollment failed: ${JSON.stringify(enrollment.error)}`);
  const facts = {
    hostname: "bench-host",
    os: "Debian",
    kernel: "6.1",
    arch: "x64",
    cpus: 2,
    memoryBytes: 1,
    diskBytes: 1,
    dockerVersion: null,
  };
  const enrolled = await fetch(`${portal.url}/api/agent/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: enrollment.data.token, version: "bench", facts }),
  });
  if (!enrolled.ok) throw new Error(`enrolment failed: HTTP ${enrolled.status}`);
  const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  for (let i = 0; i < appCount; i += 1) {
    const created = await rest.call("POST", "/apps", {
      name: `bench-${i}`,
      image: "registry.example/bench:1",
      port: 8080,
      domains: [`bench-${i}.test`],
      env: { MODE: "bench" },
    });
    if (created.status !== 200) throw new Error(`could not create an app: ${JSON.stringify(created.body)}`);
  }
  return rest.token ?? "";
}

async function benchDatabase(kind: "sqlite" | "postgres") {
  const cluster = kind === "postgres" ? await startPostgresCluster() : null;
  let bare: ChildProcess | null = null;
  let portal: Portal | null = null;
  try {
    portal = await startPortal(cluster ? { databaseUrl: await createDatabase(cluster) } : {});
    const token = await setUp(portal);
    const barePort = await freePort();
    bare = await startBareServer(portal.databaseUrl, barePort);
    children.add(portal.process);
    const urls: Record<Side, string> = { wheelhouse: portal.url, bare: `http://127.0.0.1:${barePort}` };
    const pids: Record<Side, number> = { wheelhouse: portal.process.pid ?? 0, bare: bare.pid ?? 0 };
    const samples: Record<string, Sample[]> = {};
    for (const scenario of SCENARIOS) {
      for (const side of ["wheelhouse", "bare"] as const) {
        await load(urls[side], token, scenario, WARM_UP_SECONDS);
        await settle(pids[side]);
      }
    }
    for (let round = 1; round <= rounds; round += 1) {
      for (const scenario of SCENARIOS) {
        // Alternate which side goes first, so neither always runs after the other's writes.
        const order: Side[] = round % 2 ? ["wheelhouse", "bare"] : ["bare", "wheelhouse"];
        for (const side of order) {
          const sample = await load(urls[side], token, scenario, seconds);
          await settle(pids[side]);
          const key = `${scenario.name}/${side}`;
          samples[key] = [...(samples[key] ?? []), sample];
          process.stdout.write(
            `${kind} round ${round} ${key}: ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50.toFixed(1)} ms, p99 ${sample.p99.toFixed(1)} ms\n`,
          );
        }
      }
    }
    const SERIAL = 20;
    for (const scenario of SCENARIOS) {
      for (const side of ["wheelhouse", "bare"] as const) {
        const ms = await serial(urls[side], token, scenario, SERIAL);
        process.stdout.write(`${kind} ${scenario.name}/${side}, one client: ${ms.toFixed(1)} ms per request\n`);
      }
    }
    const rows: string[] = [];
    for (const scenario of SCENARIOS) {
      const ours = samples[`${scenario.name}/wheelhouse`] ?? [];
      const theirs = samples[`${scenario.name}/bare`] ?? [];
      const rps = (list: Sample[]) => list.map((s) => s.rps);
      const p99s = (list: Sample[]) => list.map((s) => s.p99);
      const ratio = median(rps(ours)) / median(rps(theirs));
      const p99 = median(p99s(ours));
      const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;
      rows.push(
        `${kind.padEnd(9)}${scenario.name.padEnd(8)}${`${median(rps(ours)).toFixed(0)} (${range(rps(ours))})`.padStart(20)}${`${median(rps(theirs)).toFixed(0)} (${range(rps(theirs))})`.padStart(20)}${`${ratio.toFixed(2)} ${ratio >= 0.5 ? "✓" : "✗"}`.padStart(10)}${`${p99.toFixed(0)} (${range(p99s(ours))}) ${p99 <= 50 ? "✓" : "✗"}`.padStart(21)}${`${median(p99s(theirs)).toFixed(0)} (${range(p99s(theirs))})`.padStart(16)}\n`,
      );
    }
    return rows;
  } finally {
    if (bare?.pid && bare.exitCode === null) {
      const exited = new Promise((resolve) => bare?.once("exit", resolve));
      process.kill(bare.pid, "SIGTERM");
      await exited;
    }
    try {
      await portal?.stop();
    } finally {
      cluster?.stop();
    }
  }
}

async function main() {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid, "SIGTERM");
      process.exit(130);
    });
  }
  const rows: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  for (const kind of databases) rows.push(...(await benchDatabase(kind)));
  process.stdout.write(
    `\nbench/api: ${CONNECTIONS} connections, ${seconds} s × ${rounds} rounds alternated, ${appCount} apps; medians (min–max)\n`,
  );
  process.stdout.write(
    `${"db".padEnd(9)}${"request".padEnd(8)}${"Wheelhouse req/s".padStart(20)}${"bare req/s".padStart(20)}${"ratio".padStart(10)}${"Wheelhouse p99 ms".padStart(21)}${"bare p99 ms".padStart(16)}\n`,
  );
  for (const row of rows) process.stdout.write(row);
  process.stdout.write(
    `targets: ratio ≥ 0.5, Wheelhouse p99 ≤ 50 ms; load average (1 min) ${loadBefore.toFixed(1)} at the start, ${(loadavg()[0] ?? 0).toFixed(1)} at the end\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/api failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
