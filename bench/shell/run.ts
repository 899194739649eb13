// bench/shell: a container shell through Wheelhouse (socket.io-client on /terminal → portal → agent
// → Docker exec with a TTY) against baselines measured in the same run:
//   - keystroke echo round trip vs a bare `ws` server + node-pty on this host, both running
//     `stty raw -echo; exec cat` (every byte goes through the process and back); target: ≤ 3 ms
//     added at p50;
//   - flood: `cat` of a 100 MB file through the shell, received by a client that feeds a headless
//     xterm.js and acknowledges in its write callback (as the page does), vs what headless xterm.js
//     parses of the same bytes alone; target ≥ 0.8×.
//   npm run bench -- shell [MEGABYTES] [KEYSTROKES]     (default 100 and 500)
import { performance } from "node:perf_hooks";
import xtermHeadless from "@xterm/headless";
import { spawn as spawnPty } from "node-pty";
import { type WebSocket, WebSocketServer } from "ws";
import { agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../../tests/support/agents.ts";
import { setUpAdmin } from "../../tests/support/api-client.ts";
import { dockerAvailable, removeTestContainers, runTestContainer } from "../../tests/support/docker.ts";
import { ANY_ERROR, startPortal } from "../../tests/support/portal.ts";
import { openContainerShell, type TerminalClient } from "../../tests/support/terminal-client.ts";

// @xterm/headless is CommonJS: its named exports are not visible to an ES module import.
const { Terminal } = xtermHeadless;

const megabytes = Number(process.argv[2] ?? 100);
const keystrokes = Number(process.argv[3] ?? 500);
const ECHO_COMMAND = ["sh", "-c", "stty raw -echo; exec cat"];
const LINE = `${"0123456789".repeat(7)}abcdefghi\n`; // 80 bytes

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Sends one byte at a time and waits for it to come back; returns round trips in ms. */
async function echoRoundTrips(send: (byte: string) => void, received: () => number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < keystrokes + 50; i += 1) {
    const before = received();
    const started = performance.now();
    send("x");
    while (received() <= before) await new Promise((resolve) => setImmediate(resolve));
    if (i >= 50) times.push(performance.now() - started);
  }
  return times;
}

async function wsPtyBaseline(): Promise<number[]> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  server.on("connection", (ws: WebSocket) => {
    const [file = "sh", ...args] = ECHO_COMMAND;
    const pty = spawnPty(file, args, { cols: 80, rows: 24, encoding: null });
    pty.onData((data: string | Buffer) => ws.send(data));
    ws.on("message", (data: Buffer) => pty.write(data));
    ws.on("close", () => pty.kill());
  });
  const { port } = server.address() as { port: number };
  const { WebSocket: Client } = await import("ws");
  const client = new Client(`ws://127.0.0.1:${port}`);
  await new Promise((resolve) => client.once("open", resolve));
  let bytes = 0;
  client.on("message", (data: Buffer) => {
    bytes += data.length;
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const times = await echoRoundTrips(
    (byte) => client.send(Buffer.from(byte)),
    () => bytes,
  );
  client.close();
  server.close();
  return times;
}

/** Headless xterm.js parsing `total` bytes of the flood, fed in 64 KiB chunks: bytes per second. */
async function headlessParseRate(total: number): Promise<number> {
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  const chunk = Buffer.from(LINE.replace("\n", "\r\n").repeat(Math.ceil(65_536 / 81)));
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    await new Promise<void>((resolve) => term.write(chunk, resolve));
    sent += chunk.length;
  }
  const seconds = (performance.now() - started) / 1000;
  term.dispose();
  return sent / seconds;
}

/** The flood through Wheelhouse into a headless xterm that acknowledges after parsing. */
async function wheelhouseFlood(
  open: (onOutput: (data: Uint8Array, ack: () => void) => void) => Promise<TerminalClient>,
) {
  const term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  let tail = "";
  let waiting: { marker: string; resolve: () => void } | undefined;
  const seen = (marker: string) =>
    new Promise<void>((resolve) => {
      waiting = { marker, resolve };
    });
  const shell = await open((data, ack) => {
    term.write(data, ack);
    tail = (tail + Buffer.from(data).toString("latin1")).slice(-64);
    if (waiting && tail.includes(waiting.marker)) {
      tail = "";
      waiting.resolve();
      waiting = undefined;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const bytes = megabytes * 1024 * 1024;
  // busybox runs yes and head as applets of its shell. The markers are split in the command line
  // so that its echo does not match.
  const ready = seen("FILE-READY\r\n");
  shell.send(`yes '${LINE.slice(0, -1)}' | head -c ${bytes} > /tmp/flood; echo FILE-"READY"\r`);
  await ready;
  const finished = seen("FLOOD-DONE\r\n");
  const before = shell.bytes();
  const started = performance.now();
  shell.send('cat /tmp/flood; echo FLOOD-"DONE"; rm /tmp/flood\r');
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const received = shell.bytes() - before;
  shell.send("exit\r");
  await shell.ended;
  term.dispose();
  return { received, seconds };
}

async function main() {
  if (!(await dockerAvailable())) throw new Error("No Docker engine: run scripts/system/docker-engine.sh start.");
  const portal = await startPortal({ env: { LOG_LEVEL: "warn" } });
  const configDir = agentConfigDir();
  try {
    const admin = await setUpAdmin(portal.url);
    const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name: "bench-shell" });
    const enrolled = await enrollAgent(configDir, portal.url, created.data?.token ?? "");
    if (enrolled.code !== 0) throw new Error(enrolled.stderr);
    const agent = runAgent(configDir, { LOG_LEVEL: "warn" });
    const box = await runTestContainer({ command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] });
    let hostId = "";
    for (let tries = 0; tries < 100 && !hostId; tries += 1) {
      const listed = await admin.query<{ hosts: { id: string; status: string }[] }>("hosts.list");
      const host = listed.data?.hosts.find((h) => h.status === "online");
      const inventory = host
        ? await admin.query<{ containers: { id: string }[] }>("containers.list", { hostId: host.id })
        : undefined;
      if (host && inventory?.data?.containers.some((c) => c.id === box.id)) hostId = host.id;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (!hostId) throw new Error("the bench host did not come online with its container");

    const baselineEcho = await wsPtyBaseline();
    const echoShell = await openContainerShell(admin, hostId, box.id, { command: ECHO_COMMAND, keepText: false });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const wheelhouseEcho = await echoRoundTrips(
      (byte) => echoShell.send(byte),
      () => echoShell.bytes(),
    );
    echoShell.close();

    const flood = await wheelhouseFlood((onOutput) =>
      openContainerShell(admin, hostId, box.id, { onOutput, keepText: false, cols: 80, rows: 24 }),
    );
    const parseRate = await headlessParseRate(flood.received);
    const floodRate = flood.received / flood.seconds;

    const mb = (rate: number) => (rate / 1024 / 1024).toFixed(1);
    const p50b = percentile(baselineEcho, 0.5);
    const p50w = percentile(wheelhouseEcho, 0.5);
    const rows = [
      ["measure", "Wheelhouse", "baseline", "result", "target"],
      ["---", "---:", "---:", "---:", "---"],
      [
        `echo p50 (${keystrokes} keystrokes)`,
        `${p50w.toFixed(2)} ms`,
        `${p50b.toFixed(2)} ms (ws + node-pty)`,
        `+${(p50w - p50b).toFixed(2)} ms`,
        `≤ +3 ms ${p50w - p50b <= 3 ? "✓" : "✗"}`,
      ],
      [
        "echo p99",
        `${percentile(wheelhouseEcho, 0.99).toFixed(2)} ms`,
        `${percentile(baselineEcho, 0.99).toFixed(2)} ms`,
        `+${(percentile(wheelhouseEcho, 0.99) - percentile(baselineEcho, 0.99)).toFixed(2)} ms`,
        "",
      ],
      [
        `flood (cat of ${megabytes} MB)`,
        `${mb(floodRate)} MB/s`,
        `${mb(parseRate)} MB/s (headless xterm.js parse)`,
        `${(floodRate / parseRate).toFixed(2)}×`,
        `≥ 0.8× ${floodRate / parseRate >= 0.8 ? "✓" : "✗"}`,
      ],
    ];
    process.stdout.write(`\n${rows.map((row) => `| ${row.join(" | ")} |`).join("\n")}\n\n`);
    await agent.kill();
    await box.remove();
  } finally {
    await removeTestContainers();
    removeConfigDir(configDir);
    await portal.stop({ expectedErrors: ANY_ERROR });
  }
}

await main();
