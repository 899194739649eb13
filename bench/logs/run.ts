// bench/logs: a container writes 200-byte lines at 1k, 10k and 100k lines/s. Baseline, in the same
// run: the Docker logs API itself (a follow in this process, its frames split by the agent's
// demultiplexer, lines split and dropped). Wheelhouse: the same container through agent → portal →
// a socket.io-client on /logs.
// Reported: throughput (lines/s received, ratio to the baseline; target ≥ 0.8), added p99 latency
// at 10k lines/s (Wheelhouse p99 − baseline p99, both measured from Docker's own timestamp;
// target ≤ 50 ms), and dockerd CPU with 10 viewers vs 1 (target ≤ 1.2×; /proc/<dockerd>/stat).
//   npm run bench -- logs [SECONDS]      (default 6 per measurement)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { normaliseTimestamp } from "@wheelhouse/shared";
import Docker from "dockerode";
import { FrameDemuxer } from "../../apps/agent/src/docker/frame-demuxer.ts";
import { agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../../tests/support/agents.ts";
import { setUpAdmin } from "../../tests/support/api-client.ts";
import {
  dockerAvailable,
  ensureTestImage,
  removeTestContainers,
  runTestContainer,
} from "../../tests/support/docker.ts";
import { LogViewerClient } from "../../tests/support/log-viewer.ts";
import { ANY_ERROR, startPortal } from "../../tests/support/portal.ts";

const seconds = Number(process.argv[2] ?? 6);
const RATES = [1_000, 10_000, 100_000];
const LINE_BYTES = 200;
const TICKS_PER_SECOND = 10;
const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

function p99(samples: number[]): number {
  const values = samples.filter(Number.isFinite);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

/** Milliseconds from Docker's timestamp (when the engine read the line) to now. */
function lagMs(ts: string, now: number): number {
  return now - new Date(`${ts.slice(0, 23)}Z`).getTime() - Number(`0.${ts.slice(23, 29)}`);
}

/** A container printing `rate` lines/s of 200 bytes: every 100 ms it cats a file of rate/10 lines. */
async function generator(rate: number) {
  const perTick = rate / TICKS_PER_SECOND;
  const pad = "x".repeat(LINE_BYTES - 12);
  const script = [
    "trap 'exit 0' TERM",
    `i=0; while [ $i -lt ${perTick} ]; do i=$((i+1)); echo "line-$i-${pad}"; done > /tmp/batch`,
    `while true; do cat /tmp/batch; sleep ${1 / TICKS_PER_SECOND}; done`,
  ].join("; ");
  return runTestContainer({ command: ["sh", "-c", script] });
}

interface Measure {
  rate: number;
  p99: number;
}

/** The baseline: a dockerode follow read here and thrown away, line by line. */
async function baseline(containerId: string, followers = 1): Promise<Measure> {
  const lags: number[] = [];
  let lines = 0;
  const streams: NodeJS.ReadableStream[] = [];
  for (let f = 0; f < followers; f += 1) {
    const stream = (await docker
      .getContainer(containerId)
      .logs({ follow: true, stdout: true, stderr: true, timestamps: true, tail: 0 })) as NodeJS.ReadableStream;
    let rest = "";
    // The agent's own demultiplexer: dockerode's demuxStream is quadratic in the frames per chunk
    // and would make the baseline slower than reading the engine's API need be.
    const demuxer = new FrameDemuxer((_err, payload) => {
      const text = rest + payload.toString("utf8");
      const parts = text.split("\n");
      rest = parts.pop() ?? "";
      if (f > 0) return;
      const now = Date.now();
      for (const line of parts) {
        lines += 1;
        if (lines % 50 === 0) lags.push(lagMs(normaliseTimestamp(line.slice(0, line.indexOf(" "))) ?? "", now));
      }
    });
    stream.on("data", (chunk: Buffer) => demuxer.push(chunk));
    streams.push(stream);
  }
  await sleep(1_000);
  lines = 0;
  lags.length = 0;
  await sleep(seconds * 1_000);
  const rate = lines / seconds;
  for (const stream of streams) (stream as unknown as { destroy(): void }).destroy();
  return { rate, p99: p99(lags) };
}

/** The Wheelhouse path: `viewers` socket clients on /logs, the first one measured. */
async function wheelhouse(url: string, cookie: string, hostId: string, containerId: string, viewers = 1) {
  const lags: number[] = [];
  const clients = Array.from({ length: viewers }, () => new LogViewerClient(url, cookie, { keep: false }));
  const first = clients[0] as LogViewerClient;
  first.onLine = (line) => {
    if (first.received % 50 === 0) lags.push(lagMs(line.ts, line.receivedAt));
  };
  await Promise.all(
    clients.map((client, i) =>
      client.subscribe({ streamId: `b${i}`, target: { kind: "container", hostId, containerId }, start: { tail: 0 } }),
    ),
  );
  await sleep(1_000);
  const start = first.received;
  const skippedBefore = first.skipped;
  lags.length = 0;
  await sleep(seconds * 1_000);
  const rate = (first.received - start) / seconds;
  const skipped = first.skipped - skippedBefore;
  for (const client of clients) client.close();
  return { rate, p99: p99(lags), skipped };
}

async function main() {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestImage();
  const dockerd = Number(execFileSync("pgrep", ["-o", "-x", "dockerd"], { encoding: "utf8" }).trim());
  const portal = await startPortal({ env: { LOG_LEVEL: "warn" } });
  const admin = await setUpAdmin(portal.url);
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name: "bench-logs" });
  const dir = agentConfigDir();
  const enrolled = await enrollAgent(dir, portal.url, created.data?.token ?? "");
  if (enrolled.code !== 0) throw new Error(enrolled.stderr);
  const agent = runAgent(dir, { LOG_LEVEL: "warn" });
  const hosts = await admin.query<{ hosts: { id: string; name: string; status: string }[] }>("hosts.list");
  const hostId = hosts.data?.hosts.find((h) => h.name === "bench-logs")?.id ?? "";
  const rows: string[][] = [];
  let cpuRow: string[] = [];
  try {
    for (const rate of RATES) {
      const container = await generator(rate);
      for (let tries = 0; tries < 100; tries += 1) {
        const view = await admin.query<{ containers: { id: string }[] }>("containers.list", { hostId });
        if (view.data?.containers.some((c) => c.id === container.id)) break;
        await sleep(100);
      }
      const base = await baseline(container.id);
      const agentCpu = cpuSeconds(agent.process.pid ?? 0);
      const portalCpu = cpuSeconds(portal.process.pid ?? 0);
      const ours = await wheelhouse(portal.url, admin.cookie ?? "", hostId, container.id);
      const agentShare = ((cpuSeconds(agent.process.pid ?? 0) - agentCpu) / (seconds + 1)) * 100;
      const portalShare = ((cpuSeconds(portal.process.pid ?? 0) - portalCpu) / (seconds + 1)) * 100;
      rows.push([
        rate.toLocaleString("en"),
        Math.round(base.rate).toLocaleString("en"),
        Math.round(ours.rate).toLocaleString("en"),
        (ours.rate / base.rate).toFixed(2),
        base.p99.toFixed(0),
        ours.p99.toFixed(0),
        (ours.p99 - base.p99).toFixed(0),
        ours.skipped.toLocaleString("en"),
        `${agentShare.toFixed(0)} / ${portalShare.toFixed(0)}`,
      ]);
      if (rate === 10_000) {
        const cpu = async (run: () => Promise<unknown>) => {
          const before = cpuSeconds(dockerd);
          await run();
          return cpuSeconds(dockerd) - before;
        };
        const one = await cpu(() => wheelhouse(portal.url, admin.cookie ?? "", hostId, container.id, 1));
        const ten = await cpu(() => wheelhouse(portal.url, admin.cookie ?? "", hostId, container.id, 10));
        const rawTen = await cpu(() => baseline(container.id, 10));
        const rawOne = await cpu(() => baseline(container.id, 1));
        cpuRow = [
          one.toFixed(2),
          ten.toFixed(2),
          (ten / one).toFixed(2),
          rawOne.toFixed(2),
          rawTen.toFixed(2),
          (rawTen / rawOne).toFixed(2),
        ];
      }
      await container.remove();
    }
  } finally {
    await agent.kill();
    await removeTestContainers();
    removeConfigDir(dir);
    await portal.stop({ expectedErrors: ANY_ERROR });
  }
  const header = [
    "lines/s written",
    "baseline lines/s",
    "Wheelhouse lines/s",
    "ratio (≥ 0.8)",
    "baseline p99 ms",
    "Wheelhouse p99 ms",
    "added p99 ms (≤ 50 at 10k)",
    "skipped",
    "agent / portal CPU %",
  ];
  const table = (head: string[], body: string[][]) =>
    [
      `| ${head.join(" | ")} |`,
      `| ${head.map(() => "---:").join(" | ")} |`,
      ...body.map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
  process.stdout.write(`\nbench/logs (${seconds} s per measurement, 200-byte lines)\n\n${table(header, rows)}\n\n`);
  process.stdout.write(
    `dockerd CPU seconds over ${seconds + 1} s at 10k lines/s\n\n${table(
      ["Wheelhouse, 1 viewer", "Wheelhouse, 10 viewers", "ratio (≤ 1.2)", "raw follow ×1", "raw follows ×10", "ratio"],
      [cpuRow],
    )}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/logs failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
