// The registry is the only code that talks to an agent's socket (decision 007): these tests drive it
// with a real Socket.IO server and real clients on the loopback, as agents would connect.

import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PORTAL_REFUSED_EVENT, type Refusal } from "@wheelhouse/shared";
import { Server, type Socket } from "socket.io";
import { type Socket as ClientSocket, io } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registryWithoutAgents } from "../testing/scratch-portal";
import { AgentRegistry, type ConnectedAgent } from "./agent-registry";

let http: HttpServer;
let server: Server;
let url: string;
let registry: AgentRegistry;
const clients: ClientSocket[] = [];
/** What `connect` returned for each accepted connection, in order. */
let accepted: { socketId: string; replaced: ConnectedAgent | undefined }[] = [];
let onAccepted: (() => void) | undefined;

beforeAll(async () => {
  registry = freshRegistry();
  http = createServer();
  server = new Server(http);
  server.of("/agent").on("connection", (socket: Socket) => {
    const hostId = String(socket.handshake.auth.hostId);
    const replaced = registry.connect({ hostId, teamId: "team-1", socket, connectedAt: 1, lastSeen: 1 });
    socket.on("disconnect", () => registry.disconnect(hostId, socket.id));
    accepted.push({ socketId: socket.id, replaced });
    onAccepted?.();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  accepted = [];
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function freshRegistry(): AgentRegistry {
  return registryWithoutAgents().agents;
}

/** Connects an agent-like client for `hostId`; resolves once the registry holds the connection. */
async function connectAgent(hostId: string): Promise<{ client: ClientSocket; connectionId: string }> {
  const registered = new Promise<void>((resolve) => {
    onAccepted = resolve;
  });
  const client = io(`${url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    auth: { hostId },
  });
  clients.push(client);
  await registered;
  const connectionId = accepted.at(-1)?.socketId;
  if (!connectionId) throw new Error("the server did not accept the connection");
  return { client, connectionId };
}

function next<T>(client: ClientSocket, event: string): Promise<T> {
  return new Promise((resolve) => client.once(event, resolve));
}

describe("AgentRegistry", () => {
  it("sends typed portal events over the host's connection and never over a newer one", async () => {
    const first = await connectAgent("host-a");
    expect(registry.get("host-a")?.connectionId).toBe(first.connectionId);

    const typed = next<{ sessionId: string; data: ArrayBuffer }>(first.client, "portal:terminal-input");
    expect(
      registry.emit(
        "host-a",
        "portal:terminal-input",
        { sessionId: "session-1", data: Buffer.from("ls\n") },
        first.connectionId,
      ),
    ).toBe(true);
    const received = await typed;
    expect(received.sessionId).toBe("session-1");
    expect(Buffer.from(received.data).toString()).toBe("ls\n");

    // The agent reconnects: the old connection is told why and closed; the new one takes its place.
    const refused = next<Refusal>(first.client, PORTAL_REFUSED_EVENT);
    const closed = next<string>(first.client, "disconnect");
    const second = await connectAgent("host-a");
    expect(await refused).toEqual({ event: "connection", reason: "replaced by a newer connection of this agent" });
    expect(await closed).toBe("io server disconnect");
    expect(accepted.at(-1)?.replaced?.connectionId).toBe(first.connectionId);

    // An acknowledgement for a stream started on the old connection is dropped; the new one's arrives.
    const acks: { streamId: string }[] = [];
    second.client.on("portal:log-ack", (ack: { streamId: string }) => acks.push(ack));
    const current = next<{ streamId: string }>(second.client, "portal:log-ack");
    expect(registry.emit("host-a", "portal:log-ack", { streamId: "old-stream", batch: 1 }, first.connectionId)).toBe(
      false,
    );
    expect(registry.emit("host-a", "portal:log-ack", { streamId: "new-stream", batch: 1 }, second.connectionId)).toBe(
      true,
    );
    await current;
    // One socket delivers in order: had the stale acknowledgement been sent, it would have come first.
    expect(acks.map((ack) => ack.streamId)).toEqual(["new-stream"]);
    expect(registry.emit("host-b", "portal:log-ack", { streamId: "nobody", batch: 1 })).toBe(false);
  });

  it("reports a connection's end once to those still listening, and nothing for a stale connection", async () => {
    const agent = await connectAgent("host-c");
    const calls: string[] = [];
    const stopListening = registry.onceGone("host-c", agent.connectionId, () => calls.push("stopped"));
    registry.onceGone("host-c", agent.connectionId, () => calls.push("listening"));
    registry.onceGone("host-c", "an-earlier-connection", () => calls.push("stale"));
    stopListening();
    expect(registry.isLive("host-c")).toBe(true);

    const gone = new Promise<void>((resolve) => registry.onceGone("host-c", agent.connectionId, resolve));
    agent.client.close();
    await gone;
    // Listeners run in the order they were added, all on the same disconnect event.
    expect(calls).toEqual(["listening"]);
    expect(registry.get("host-c")).toBeUndefined();
    expect(registry.isLive("host-c")).toBe(false);
  });

  it("kicks a revoked host's agent with the reason", async () => {
    const agent = await connectAgent("host-d");
    const refused = next<Refusal>(agent.client, PORTAL_REFUSED_EVENT);
    const closed = next<string>(agent.client, "disconnect");
    registry.kick("host-d", "this host was revoked");
    expect(await refused).toEqual({ event: "connection", reason: "this host was revoked" });
    expect(await closed).toBe("io server disconnect");
    expect(registry.get("host-d")).toBeUndefined();
  });
});

describe("awaitReconnects", () => {
  it("waits for a host's agent while the portal is young, and not once that window has passed", async () => {
    const { metrics } = registryWithoutAgents();
    registry = new AgentRegistry(metrics, { reconnectWindowMs: 10_000 });
    try {
      expect(registry.reconnecting).toBe(true);
      const waiting = registry.awaitReconnects(["host-back"]);
      await connectAgent("host-back");
      expect(await waiting).toBe(true);

      const young = new AgentRegistry(metrics, { reconnectWindowMs: 100 });
      const started = Date.now();
      expect(await young.awaitReconnects(["host-never"])).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);

      const settled = freshRegistry();
      expect(settled.reconnecting).toBe(false);
      expect(await settled.awaitReconnects(["host-never"])).toBe(false);
    } finally {
      registry = freshRegistry();
    }
  });
});
