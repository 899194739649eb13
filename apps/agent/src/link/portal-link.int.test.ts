// The agent's side of the link against a stand-in portal: a real Socket.IO server on loopback,
// speaking the protocol by hand, so the test can send what the real portal never would (unknown
// events, malformed and oversized commands, repeated command ids).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { COMMAND_EVENT, type CommandReply } from "@wheelhouse/shared";
import { Server, type Socket } from "socket.io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandRunner, onlyHandlers } from "../commands/command-runner";
import { createLogger } from "../logger";
import { backoffDelay, connectToPortal } from "./portal-link";

const httpServer = createServer();
const server = new Server(httpServer);
let agentSocket: Socket;
let pings = 0;
const agentRefusals: { event: string; reason: string }[] = [];
let hello: unknown;
let link: ReturnType<typeof connectToPortal>;

beforeAll(async () => {
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  const connected = new Promise<Socket>((resolve) => server.of("/agent").on("connection", resolve));
  const gotHello = new Promise<void>((resolve) =>
    server.of("/agent").on("connection", (socket) =>
      socket.on("agent:hello", (payload: unknown) => {
        hello = payload;
        resolve();
      }),
    ),
  );
  server
    .of("/agent")
    .on("connection", (socket) =>
      socket.on("agent:refused", (refusal: { event: string; reason: string }) => agentRefusals.push(refusal)),
    );
  link = connectToPortal({
    portalUrl: `http://127.0.0.1:${port}`,
    agentKey: `wha_${"k".repeat(43)}`,
    version: "test",
    logger: createLogger("silent"),
    commands: new CommandRunner(
      onlyHandlers({
        "agent.ping": async () => {
          pings += 1;
          await new Promise((resolve) => setTimeout(resolve, 50));
          return { at: Date.now() };
        },
      }),
    ),
    hello: async () => ({
      version: "test",
      facts: {
        hostname: "h",
        os: "o",
        kernel: "k",
        arch: "x64",
        cpus: 1,
        memoryBytes: 1,
        diskBytes: 1,
        dockerVersion: null,
      },
      dockerError: "no engine here",
    }),
    heartbeat: () => ({
      sample: {
        at: Date.now(),
        cpuPercent: 0,
        memoryUsedBytes: 0,
        memoryTotalBytes: 1,
        diskUsedBytes: 0,
        diskTotalBytes: 1,
      },
    }),
    onKeyRefused: () => {
      throw new Error("the stand-in portal never refuses the key");
    },
  });
  agentSocket = await connected;
  await gotHello;
});

afterAll(async () => {
  link?.close();
  await server.close();
});

const command = (envelope: unknown) =>
  agentSocket.timeout(5_000).emitWithAck(COMMAND_EVENT, envelope) as Promise<CommandReply>;

describe("agent side of the link", () => {
  it("says hello with its facts and the engine's error on connect", () => {
    expect(hello).toMatchObject({ version: "test", facts: { hostname: "h" }, dockerError: "no engine here" });
  });

  it("answers a command, and a repeated id once only", async () => {
    const envelope = { id: "cmd-00000001", type: "agent.ping", params: {}, timeoutMs: 2_000 };
    const [first, second] = await Promise.all([command(envelope), command(envelope)]);
    const third = await command(envelope);
    expect(first.ok).toBe(true);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(pings).toBe(1);
  });

  it("refuses unknown commands, bad parameters, malformed and oversized envelopes, and keeps serving", async () => {
    expect(await command({ id: "cmd-00000002", type: "rm.rf", params: {} })).toMatchObject({
      ok: false,
      error: { code: "UNKNOWN_COMMAND" },
    });
    expect(await command({ id: "cmd-00000003", type: "agent.ping", params: { extra: 1 } })).toMatchObject({
      ok: false,
      error: { code: "BAD_PARAMS" },
    });
    expect(await command({ type: "agent.ping" })).toMatchObject({
      ok: false,
      error: { code: "BAD_PARAMS", message: expect.stringMatching(/malformed: id/) },
    });
    expect(
      await command({ id: "cmd-00000004", type: "agent.ping", params: { blob: "x".repeat(300 * 1024) } }),
    ).toMatchObject({
      ok: false,
      error: { code: "BAD_PARAMS", message: expect.stringMatching(/over the 262144-byte limit/) },
    });
    expect(await command({ id: "cmd-00000005", type: "agent.ping", params: {} })).toMatchObject({ ok: true });
  });

  it("refuses an unknown event from the portal and stays connected", async () => {
    agentSocket.emit("portal:format-disk", { now: true });
    await expect
      .poll(() => agentRefusals.find((r) => r.event === "portal:format-disk"))
      .toEqual({ event: "portal:format-disk", reason: "unknown event" });
    expect(link.socket.connected).toBe(true);
  });

  it("times out a command that runs too long, with the reason", async () => {
    expect(await command({ id: "cmd-00000006", type: "agent.ping", params: {}, timeoutMs: 1 })).toMatchObject({
      ok: false,
      error: { code: "TIMEOUT" },
    });
  });
});

describe("back-off", () => {
  it("doubles from 1 s to a 30 s ceiling, spread ±50 %", () => {
    expect(backoffDelay(0, () => 0.5)).toBe(1_000);
    expect(backoffDelay(3, () => 0.5)).toBe(8_000);
    expect(backoffDelay(20, () => 0.5)).toBe(30_000);
    expect(backoffDelay(2, () => 0)).toBe(2_000);
    expect(backoffDelay(2, () => 1)).toBe(6_000);
  });
});
