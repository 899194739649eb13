// The portal ↔ agent link with real agent processes: enrolment, Online/Lost/Revoked, reconnects,
// and refusal of malformed, oversized and unknown messages.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentProcess,
  agentConfigDir,
  enrollAgent,
  removeConfigDir,
  runAgent,
  SAMPLE_FACTS,
} from "../support/agents.ts";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal, waitForUrl } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

interface HostRow {
  id: string;
  name: string;
  status: string;
  facts: { hostname: string; dockerVersion: string | null } | null;
  dockerError: string | null;
}

let portal: Portal;
let admin: ApiClient;
const agents: AgentProcess[] = [];
const dirs: string[] = [];
let counter = 0;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.kill("SIGKILL")));
  for (const dir of dirs) removeConfigDir(dir);
  await portal?.stop();
});

/** A config directory removed after the file. */
function trackedDir(): string {
  const dir = agentConfigDir();
  dirs.push(dir);
  return dir;
}

async function token(name = `host-${++counter}`): Promise<{ name: string; token: string; publicUrl: string | null }> {
  const created = await admin.mutate<{ token: string; portal: { publicUrl: string | null } }>(
    "hosts.createEnrollment",
    { name },
  );
  if (!created.data) throw new Error(`createEnrollment failed: ${JSON.stringify(created.error)}`);
  return { name, token: created.data.token, publicUrl: created.data.portal.publicUrl };
}

async function hosts(): Promise<HostRow[]> {
  return (await admin.query<{ hosts: HostRow[] }>("hosts.list")).data?.hosts ?? [];
}

const hostIn = (name: string, status: string) => async () =>
  (await hosts()).find((h) => h.name === name && h.status === status);

/** Waits until host `name` is listed with `status`; returns its row. */
const hostReaches = (name: string, status: string, timeoutMs: number) =>
  waitFor(hostIn(name, status), { what: `${name} to be listed ${status}`, timeoutMs });

/** Enrols through the real CLI and starts the real agent. */
async function enrolledAgent(name?: string) {
  const { name: hostName, token: t } = await token(name);
  const dir = agentConfigDir();
  dirs.push(dir);
  const enrolled = await enrollAgent(dir, portal.url, t);
  expect(enrolled.code, enrolled.stderr).toBe(0);
  const agent = runAgent(dir);
  agents.push(agent);
  const host = await hostReaches(hostName, "online", 15_000);
  return { agent, host, dir, hostName };
}

describe("enrolment", () => {
  it("exchanges a token for a key stored 0600 on the host and only as a hash in the portal", async () => {
    const { name, token: t, publicUrl } = await token("enrol-happy");
    // The address the install line is built with: the test portal's PUBLIC_URL.
    expect(publicUrl).toBe(portal.url);
    const dir = agentConfigDir();
    dirs.push(dir);
    const result = await enrollAgent(dir, portal.url, t);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Enrolled as enrol-happy/);
    const path = join(dir, "agent.json");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, "utf8")) as { agentKey: string; hostName: string };
    expect(file.hostName).toBe(name);
    expect(file.agentKey).toMatch(/^wha_/);
    const [row] = await sql<{ keyHash: string }>(portal.databaseUrl, `SELECT "keyHash" FROM "Host" WHERE name = $1`, [
      name,
    ]);
    expect(row?.keyHash).toBe(createHash("sha256").update(file.agentKey).digest("hex"));
    const tokens = await sql<{ tokenHash: string }>(portal.databaseUrl, `SELECT "tokenHash" FROM "EnrollmentToken"`);
    expect(tokens.some((r) => r.tokenHash === t)).toBe(false);
  });

  it("refuses a reused, an expired and a forged token with a clear message", async () => {
    const reused = await token();
    const dir = agentConfigDir();
    dirs.push(dir);
    expect((await enrollAgent(dir, portal.url, reused.token)).code).toBe(0);
    const again = await enrollAgent(trackedDir(), portal.url, reused.token);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      "This enrolment token was already used. Create a new one on the portal's Hosts page.",
    );

    const expired = await token();
    await sql(portal.databaseUrl, `UPDATE "EnrollmentToken" SET "expiresAt" = $1 WHERE "hostName" = $2`, [
      portal.databaseUrl.startsWith("file:") ? Date.now() - 1000 : new Date(Date.now() - 1000),
      expired.name,
    ]);
    const late = await enrollAgent(trackedDir(), portal.url, expired.token);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("This enrolment token has expired.");

    // Two tokens for one name: the second enrolment is refused, not a server error.
    const first = await token("twin-host");
    const second = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name: "twin-host" });
    expect((await enrollAgent(trackedDir(), portal.url, first.token)).code).toBe(0);
    const twin = await enrollAgent(trackedDir(), portal.url, second.data?.token ?? "");
    expect(twin.code).toBe(1);
    expect(twin.stderr).toContain("A host named twin-host is already enrolled.");

    const forged = await enrollAgent(trackedDir(), portal.url, `whe_${"A".repeat(32)}`);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toContain("This enrolment token is not valid.");
    expect((await hosts()).filter((h) => h.name === expired.name)).toEqual([]);
  });
});

describe("a connected agent", () => {
  it("shows Online with its host's facts, and the engine's state in words", async () => {
    const { host } = await enrolledAgent("facts-host");
    expect(host.facts?.hostname).toBe(hostname());
    if (host.facts?.dockerVersion === null) expect(host.dockerError).toMatch(/Docker engine unreachable/);
    const pinged = await admin.mutate<{ results: { hostId: string; ok: boolean; ms: number }[] }>("hosts.pingAll");
    expect(pinged.data?.results).toContainEqual(expect.objectContaining({ hostId: host.id, ok: true }));
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^wheelhouse_agents_connected [1-9]/m);
    expect(metrics).toMatch(/^wheelhouse_agent_commands_total\{type="agent.ping",outcome="ok"\} [1-9]/m);
    expect(metrics).toMatch(/^wheelhouse_agent_command_duration_seconds_count\{type="agent.ping"\} [1-9]/m);
  });

  it("revoking disconnects it within 2 s, the agent stops, and its key is refused afterwards", async () => {
    const { agent, host, dir } = await enrolledAgent("revoke-host");
    const started = Date.now();
    expect((await admin.mutate("hosts.revoke", { hostId: host.id })).status).toBe(200);
    await hostReaches("revoke-host", "revoked", 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(
      await Promise.race([agent.exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))]),
    ).toBe(78);
    expect(agent.stderr()).toMatch(/agent key is not valid/);

    const key = (JSON.parse(readFileSync(join(dir, "agent.json"), "utf8")) as { agentKey: string }).agentKey;
    const refused = await new Promise<string>((resolve) => {
      const socket = io(`${portal.url}/agent`, {
        transports: ["websocket"],
        auth: { key, version: "test" },
        reconnection: false,
      });
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    expect(refused).toMatch(/agent key is not valid/);
  });

  it("is shown Lost within 15 s of silence, and Online again when it comes back", async () => {
    const { agent, hostName, dir } = await enrolledAgent("silent-host");
    const stopped = Date.now();
    agent.process.kill("SIGSTOP");
    await hostReaches(hostName, "lost", 15_000);
    expect(Date.now() - stopped).toBeLessThan(15_000);
    agent.process.kill("SIGCONT");
    await hostReaches(hostName, "online", 20_000);

    const killedAt = Date.now();
    await agent.kill("SIGKILL");
    await hostReaches(hostName, "lost", 15_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    const restarted = runAgent(dir);
    agents.push(restarted);
    await hostReaches(hostName, "online", 15_000);
  });
});

describe("portal restart", () => {
  it("agents back off while it is down and all reconnect when it returns", async () => {
    const fleet = await Promise.all([enrolledAgent("fleet-1"), enrolledAgent("fleet-2"), enrolledAgent("fleet-3")]);
    const failuresBefore = fleet.map(
      ({ agent }) => agent.logs.filter((l) => l.msg === "could not connect to the portal").length,
    );
    const { port, databaseUrl, dataDir } = portal;
    await portal.stop({ keepData: true });
    dirs.push(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    portal = await startPortal({ port, databaseUrl, dataDir });
    for (const { hostName } of fleet) await hostReaches(hostName, "online", 40_000);
    for (const [i, { agent }] of fleet.entries()) {
      const attempts =
        agent.logs.filter((l) => l.msg === "could not connect to the portal").length - (failuresBefore[i] ?? 0);
      // Back-off of 1, 2, 4, 8 s (±50 %) allows about four attempts in nine seconds; a retry loop
      // without back-off would make dozens.
      expect(attempts).toBeGreaterThanOrEqual(1);
      expect(attempts).toBeLessThanOrEqual(7);
    }
  });
});

describe("protocol refusals (portal side)", () => {
  let socket: Socket;
  const refusals: { event: string; reason: string }[] = [];

  beforeAll(async () => {
    const { token: t } = await token("protocol-host");
    const res = await fetch(`${portal.url}/api/agent/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: t, version: "test", facts: SAMPLE_FACTS }),
    });
    const { agentKey } = (await res.json()) as { agentKey: string };
    socket = io(`${portal.url}/agent`, {
      transports: ["websocket"],
      auth: { key: agentKey, version: "test" },
      reconnection: false,
    });
    socket.on("portal:refused", (refusal: { event: string; reason: string }) => refusals.push(refusal));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
  });
  afterAll(() => {
    socket?.close();
  });

  const refusalFor = (event: string) =>
    waitFor(() => refusals.find((r) => r.event === event), { what: `the refusal of ${event}`, timeoutMs: 5_000 });

  it("refuses an unknown event, a malformed one and an oversized one, and stays connected", async () => {
    socket.emit("agent:self-destruct", { now: true });
    expect((await refusalFor("agent:self-destruct")).reason).toBe("unknown event");

    socket.emit("agent:heartbeat", { sample: { cpuPercent: "lots" } });
    expect((await refusalFor("agent:heartbeat")).reason).toMatch(/^malformed: sample\./);

    socket.emit("agent:hello", { version: "x".repeat(300 * 1024), facts: SAMPLE_FACTS, dockerError: null });
    expect((await refusalFor("agent:hello")).reason).toMatch(/over the 262144-byte limit/);

    expect(socket.connected).toBe(true);
    socket.emit("agent:hello", { version: "test", facts: SAMPLE_FACTS, dockerError: null });
    socket.emit("agent:heartbeat", {
      sample: {
        at: Date.now(),
        cpuPercent: 12.5,
        memoryUsedBytes: 1,
        memoryTotalBytes: 2,
        diskUsedBytes: 1,
        diskTotalBytes: 2,
      },
    });
    await hostReaches("protocol-host", "online", 5_000);
    expect(portal.process.exitCode).toBeNull();
    expect(portal.logs.filter((l) => l.msg === "agent message refused").length).toBeGreaterThanOrEqual(3);
    await waitForUrl(`${portal.url}/health`, (r) => r.ok, 2_000);
  });
});
