// A process holding many simulated agents. Mode "wheelhouse" runs the real agent link code
// (apps/agent/src/link/portal-link.ts) against a portal; mode "ws" speaks the same messages over a
// bare WebSocket to bench/agents/ws-baseline-server.ts. Keys come one per line on stdin.
// Prints "connected N" whenever the number of open links changes, "ready" once all are open.
//   node --import tsx bench/agents/simulated-agents.ts wheelhouse|ws URL < keys.txt
import { createInterface } from "node:readline";
import { COMMAND_EVENT, HEARTBEAT_INTERVAL_MS } from "@wheelhouse/shared";
import WebSocket from "ws";
import { backoffDelay } from "../../apps/agent/src/link/backoff.ts";
import { connectToPortal } from "../../apps/agent/src/link/portal-link.ts";
import { createLogger } from "../../apps/agent/src/logger.ts";
import { FACTS, sample, simulatedRunner } from "./fleet-protocol.ts";

const [mode, url] = process.argv.slice(2);
if ((mode !== "wheelhouse" && mode !== "ws") || !url) {
  console.error("usage: simulated-agents.ts wheelhouse|ws URL < keys");
  process.exit(2);
}

const keys: string[] = [];
for await (const line of createInterface({ input: process.stdin })) if (line.trim()) keys.push(line.trim());

let open = 0;
let announced = -1;
const report = () => {
  if (open === announced) return;
  announced = open;
  process.stdout.write(`connected ${open}\n`);
  if (open === keys.length) process.stdout.write("ready\n");
};
setInterval(report, 200).unref();

const logger = createLogger("silent");

function wheelhouseAgent(key: string) {
  const link = connectToPortal({
    portalUrl: url as string,
    agentKey: key,
    version: "bench",
    logger,
    commands: simulatedRunner(),
    hello: async () => ({ version: "bench", facts: FACTS, dockerError: null }),
    heartbeat: () => ({ sample: sample() }),
    onKeyRefused: (message) => {
      console.error(`key refused: ${message}`);
      process.exit(1);
    },
  });
  link.socket.on("connect", () => open++);
  link.socket.on("disconnect", () => open--);
}

function wsAgent(key: string) {
  const runner = simulatedRunner();
  let attempt = 0;
  const connect = () => {
    const socket = new WebSocket(`${url}?key=${encodeURIComponent(key)}`);
    let heartbeat: NodeJS.Timeout | undefined;
    let wasOpen = false;
    socket.on("open", () => {
      wasOpen = true;
      attempt = 0;
      open++;
      socket.send(
        JSON.stringify({ event: "agent:hello", payload: { version: "bench", facts: FACTS, dockerError: null } }),
      );
      heartbeat = setInterval(
        () => socket.send(JSON.stringify({ event: "agent:heartbeat", payload: { sample: sample() } })),
        HEARTBEAT_INTERVAL_MS,
      );
    });
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { event: string; ack?: number; payload: unknown };
      if (message.event === COMMAND_EVENT) {
        void runner
          .run(message.payload)
          .then((reply) => socket.send(JSON.stringify({ event: "ack", ack: message.ack, payload: reply })));
      }
    });
    socket.on("close", () => {
      clearInterval(heartbeat);
      if (wasOpen) open--;
      setTimeout(connect, backoffDelay(attempt++));
    });
    socket.on("error", () => undefined);
  };
  connect();
}

// Connect in small waves, as real hosts booting would, rather than all in one tick.
for (let i = 0; i < keys.length; i++) {
  const key = keys[i] as string;
  if (mode === "wheelhouse") wheelhouseAgent(key);
  else wsAgent(key);
  if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 50));
}
