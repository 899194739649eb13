// An agent made by hand: a real Socket.IO client with a real enrolled key that sends whatever a
// test tells it to, for tests of what the portal does with a broken or hostile agent. It answers
// the portal's commands from a small table (stand-in results, not a host's work) and keeps every
// command and every refusal the portal sent it.
import { type HostFacts, isOwnKey, type Refusal } from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";
import { SAMPLE_FACTS } from "./agents.ts";
import type { ApiClient } from "./api-client.ts";

export interface ReceivedCommand {
  type: string;
  params: Record<string, unknown>;
}

export interface FakeAgent {
  hostId: string;
  name: string;
  socket: Socket;
  commands: ReceivedCommand[];
  refusals: Refusal[];
  /** A heartbeat sample taken now (or at `at`). */
  heartbeat(at?: number): void;
  close(): void;
}

/** What the fake agent answers; commands not named here fail with a sentence saying so. */
const ANSWERS: Record<string, (params: Record<string, unknown>) => unknown> = {
  "agent.ping": () => ({ at: Date.now() }),
  "app.instance.remove": (params) => ({ removed: params.containerIds }),
  "nginx.status": () => ({ mode: "off", running: false, httpPort: null, httpsPort: null, version: null, error: null }),
  "terminal.open": () => ({ command: ["/bin/sh"] }),
  "terminal.close": () => ({ done: true }),
  "logs.subscribe": () => ({ started: true }),
  "logs.unsubscribe": () => ({ done: true }),
  "health.watch": (params) => ({ watching: Array.isArray(params.instances) ? params.instances.length : 0 }),
};

/**
 * Enrols a host named `name` through the real endpoint and connects it; resolves once it said hello.
 * `version` is what it reports as its agent version ("test", which is no semver, unless told).
 */
export async function connectFakeAgent(
  portalUrl: string,
  admin: ApiClient,
  name: string,
  { version = "test" }: { version?: string } = {},
): Promise<FakeAgent> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  if (!created.data) throw new Error(`createEnrollment failed: ${JSON.stringify(created.error)}`);
  const facts: HostFacts = { ...SAMPLE_FACTS, hostname: name };
  const enrolled = await fetch(`${portalUrl}/api/agent/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: created.data.token, version, facts }),
  });
  if (!enrolled.ok) throw new Error(`enrolment failed: HTTP ${enrolled.status} ${await enrolled.text()}`);
  const { hostId, agentKey } = (await enrolled.json()) as { hostId: string; agentKey: string };
  const socket = io(`${portalUrl}/agent`, {
    transports: ["websocket"],
    auth: { key: agentKey, version },
    reconnection: false,
    // Its own connection: socket.io-client would otherwise share it with a later browser-like
    // client of the same portal (/terminal, /logs), whose handshake then carries no cookie.
    forceNew: true,
  });
  const commands: ReceivedCommand[] = [];
  const refusals: Refusal[] = [];
  socket.on("portal:refused", (refusal: Refusal) => refusals.push(refusal));
  socket.on(
    "portal:command",
    (envelope: { id: string; type: string; params?: Record<string, unknown> }, ack: (reply: unknown) => void) => {
      const params = envelope.params ?? {};
      commands.push({ type: envelope.type, params });
      const answer = isOwnKey(ANSWERS, envelope.type) ? ANSWERS[envelope.type] : undefined;
      ack(
        answer
          ? { id: envelope.id, ok: true, result: answer(params) }
          : {
              id: envelope.id,
              ok: false,
              error: { code: "FAILED", message: `the fake agent does not do ${envelope.type}` },
            },
      );
    },
  );
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  socket.emit("agent:hello", { version, facts, dockerError: null });
  return {
    hostId,
    name,
    socket,
    commands,
    refusals,
    heartbeat(at = Date.now()) {
      socket.emit("agent:heartbeat", {
        sample: {
          at,
          cpuPercent: 7,
          memoryUsedBytes: 1024,
          memoryTotalBytes: 4096,
          diskUsedBytes: 2048,
          diskTotalBytes: 8192,
        },
      });
    },
    close() {
      socket.close();
    },
  };
}
