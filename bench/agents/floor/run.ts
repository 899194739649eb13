// bench/agents/floor: what one idle connection costs an EMPTY Socket.IO server compared with a bare
// `ws` server, in the same run: the floor under the portal's own figure in bench/agents, since the
// agent link is Socket.IO (decision 007). If the floor is already above bench/agents' memory
// target, no change inside Wheelhouse can meet that target on Socket.IO.
//   npm run bench -- agents-floor [N ...]      (default 5000 10000)
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { freePort } from "../../../scripts/lib/free-port.ts";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The next line a child prints, one at a time. */
function lineReader(child: ChildProcess): () => Promise<string> {
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  return () => {
    const line = queued.shift();
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve));
  };
}

async function memory(server: ChildProcess, next: () => Promise<string>) {
  server.kill("SIGUSR2");
  let line = await next();
  while (!line.startsWith("MEM ")) line = await next();
  const [, rss, heap] = line.split(" ").map(Number);
  return { rss: rss ?? 0, heap: heap ?? 0 };
}

async function measure(mode: "sio" | "ws", n: number) {
  const port = await freePort();
  const server = spawn(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "bench/agents/floor/server.ts", mode, String(port)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let clients: ChildProcess | undefined;
  try {
    const next = lineReader(server);
    await next();
    await sleep(1_000);
    const before = await memory(server, next);
    clients = spawn(
      process.execPath,
      ["--max-old-space-size=4096", "--import", "tsx", "bench/agents/floor/clients.ts", mode, String(port), String(n)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await lineReader(clients)();
    await sleep(6_000);
    const after = await memory(server, next);
    return { rss: (after.rss - before.rss) / n / 1024, heap: (after.heap - before.heap) / n / 1024 };
  } finally {
    clients?.kill("SIGKILL");
    server.kill("SIGKILL");
  }
}

async function main() {
  const rows: string[] = [];
  for (const n of sizes.length > 0 ? sizes : [5_000, 10_000]) {
    const ws = await measure("ws", n);
    const sio = await measure("sio", n);
    rows.push(
      `| ${n.toLocaleString("en")} | ${ws.rss.toFixed(1)} / ${ws.heap.toFixed(1)} | ${sio.rss.toFixed(1)} / ${sio.heap.toFixed(1)} | ${(sio.rss / ws.rss).toFixed(2)} |`,
    );
  }
  process.stdout.write(
    [
      "",
      "bench/agents/floor: per idle connection, after a full GC",
      "",
      "| connections | bare ws: RSS / heap (KiB) | empty Socket.IO: RSS / heap (KiB) | RSS ratio |",
      "| ---: | ---: | ---: | ---: |",
      ...rows,
      "",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/agents/floor failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
