// The baseline: a bare `ws` server speaking the same messages as the portal's /agent namespace —
// key check against hashes, zod validation of every message (parseMessage), heartbeats, commands
// with ids and acknowledgements — but nothing else: no Socket.IO, no database, no HTTP app.
//   node --import tsx bench/agents/ws-baseline-server.ts PORT < keys.txt
// POST /fanout pings every agent and answers with the round-trip times in milliseconds.
import { createHash, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { AGENT_EVENTS, COMMAND_EVENT, commandReplySchema, isOwnKey, parseMessage } from "@wheelhouse/shared";
import { type WebSocket, WebSocketServer } from "ws";

const port = Number(process.argv[2]);
const hashes = new Set<string>();
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) hashes.add(createHash("sha256").update(line.trim()).digest("hex"));
}

interface Agent {
  socket: WebSocket;
  lastSeen: number;
  pending: Map<number, (reply: unknown) => void>;
  nextAck: number;
}
const agents = new Map<string, Agent>();

const http = createServer(async (req, res) => {
  if (req.url === "/fanout" && req.method === "POST") {
    const times = await Promise.all(
      [...agents.values()].map(
        (agent) =>
          new Promise<number>((resolve) => {
            const started = performance.now();
            const ack = agent.nextAck++;
            agent.pending.set(ack, (raw) => {
              const reply = parseMessage(commandReplySchema, raw);
              resolve(reply.ok && reply.data.ok ? performance.now() - started : -1);
            });
            agent.socket.send(
              JSON.stringify({
                event: COMMAND_EVENT,
                ack,
                payload: { id: randomUUID(), type: "agent.ping", params: {}, timeoutMs: 10_000 },
              }),
            );
          }),
      ),
    );
    res.end(JSON.stringify({ results: times.map((ms) => ({ ok: ms >= 0, ms })) }));
    return;
  }
  if (req.url === "/connected") {
    res.end(String(agents.size));
    return;
  }
  res.statusCode = 404;
  res.end();
});

const wss = new WebSocketServer({ server: http, maxPayload: 4 * 1024 * 1024 });
wss.on("connection", (socket, req) => {
  const key = new URL(req.url ?? "/", "http://x").searchParams.get("key") ?? "";
  const hash = createHash("sha256").update(key).digest("hex");
  if (!hashes.has(hash)) {
    socket.close(4401, "unknown key");
    return;
  }
  agents.get(hash)?.socket.close(4000, "replaced");
  const agent: Agent = { socket, lastSeen: Date.now(), pending: new Map(), nextAck: 0 };
  agents.set(hash, agent);
  socket.on("message", (data) => {
    agent.lastSeen = Date.now();
    let message: { event?: string; ack?: number; payload?: unknown };
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (message.event === "ack" && typeof message.ack === "number") {
      agent.pending.get(message.ack)?.(message.payload);
      agent.pending.delete(message.ack);
      return;
    }
    // Own keys only, as the portal looks them up ("constructor" is not an event).
    if (!message.event || !isOwnKey(AGENT_EVENTS, message.event)) return;
    parseMessage(AGENT_EVENTS[message.event], message.payload);
  });
  socket.on("close", () => {
    if (agents.get(hash) === agent) agents.delete(hash);
  });
});
// Liveness like the portal's: a ping every 5 s; a peer that missed the last one is dropped.
const alive = new WeakSet<WebSocket>();
setInterval(() => {
  for (const { socket } of agents.values()) {
    if (!alive.has(socket) && socket.readyState === socket.OPEN && (socket as WebSocket & { pinged?: boolean }).pinged)
      socket.terminate();
    alive.delete(socket);
    (socket as WebSocket & { pinged?: boolean }).pinged = true;
    socket.once("pong", () => alive.add(socket));
    socket.ping();
  }
}, 5_000).unref();

// As the portal: with --expose-gc, SIGUSR2 collects garbage before a memory reading.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) process.on("SIGUSR2", () => gc());

http.listen(port, "127.0.0.1", () => process.stdout.write("listening\n"));
