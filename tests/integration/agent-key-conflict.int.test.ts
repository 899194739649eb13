// One key, two agents: two real agent processes run with the same agent.json (in two config
// directories, so their locks do not stop them) against a real portal. After more than 3
// replacements within 30 s the portal keeps the connected agent, refuses the other with a growing
// delay that the agent honours, shows the conflict in the host's data, audits it once and counts
// the handshakes by outcome.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentConnections } from "../support/agent-processes.ts";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../support/agents.ts";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let admin: ApiClient;
let hostId: string;
const dirs: string[] = [];
const agents: AgentProcess[] = [];

const quietEnv = { DOCKER_SOCKET: "/nonexistent/docker.sock" };

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name: "twice" });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  const [first, second] = [agentConfigDir(), agentConfigDir()];
  dirs.push(first, second);
  const enrolled = await enrollAgent(first, portal.url, created.data.token);
  if (enrolled.code !== 0) throw new Error(enrolled.stderr);
  // The copied config directory: the same key, a second agent.
  copyFileSync(join(first, "agent.json"), join(second, "agent.json"));
}, 120_000);

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.kill()));
  for (const dir of dirs) removeConfigDir(dir);
  await portal?.stop();
});

interface HostData {
  id: string;
  name: string;
  status: string;
  keyConflict: { since: string; refusedAttempts: number } | null;
}

const hostData = async () => (await admin.query<HostData>("hosts.get", { hostId })).data;
const keyInUseRefusals = (agent: AgentProcess) =>
  agent.logs.filter((line) => line.msg === "another agent is connected with this host's key");
const connects = (agent: AgentProcess) => agent.logs.filter((line) => line.msg === "connected to the portal").length;

describe("one key, two agents", () => {
  it("keeps the connected agent, refuses the other with a growing delay, and says so once", async () => {
    const [firstDir = "", secondDir = ""] = dirs;
    const first = runAgent(firstDir, quietEnv);
    agents.push(first);
    const listed = await waitFor(
      async () => (await admin.query<{ hosts: HostData[] }>("hosts.list")).data?.hosts ?? [],
      {
        what: "the first agent is online",
        timeoutMs: 30_000,
        until: (hosts) => hosts.some((host) => host.name === "twice" && host.status === "online"),
        intervalMs: 200,
      },
    );
    hostId = listed.find((host) => host.name === "twice")?.id ?? "";
    expect((await hostData())?.keyConflict).toBeNull();
    expect(await agentConnections(portal.url)).toEqual({ accepted: 1, replaced: 0, refused: 0 });

    const second = runAgent(secondDir, quietEnv);
    agents.push(second);
    // They replace each other about once a second until the 4th replacement within 30 s is refused.
    await waitFor(() => agentConnections(portal.url), {
      what: "two refusals",
      timeoutMs: 60_000,
      until: (c) => c.refused >= 2,
      intervalMs: 200,
    });
    const afterTwo = await agentConnections(portal.url);
    expect(afterTwo).toMatchObject({ accepted: 1, replaced: 3 });

    const refusedAgent = keyInUseRefusals(first).length > 0 ? first : second;
    const keptAgent = refusedAgent === first ? second : first;
    expect(keyInUseRefusals(keptAgent)).toEqual([]);
    // The agent waits as long as the portal asks, and the portal asks longer each time.
    expect(keyInUseRefusals(refusedAgent).map((line) => line.retryAfterMs)).toEqual([5_000, 10_000]);

    // The established connection stays: no further replacement while the refused agent waits,
    // and commands reach the host.
    const keptConnects = connects(keptAgent);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect((await agentConnections(portal.url)).replaced).toBe(3);
    expect(connects(keptAgent)).toBe(keptConnects);
    const ping = await admin.mutate<{ results: { hostId: string; ok: boolean; error?: string }[] }>("hosts.pingAll");
    expect(ping.data?.results).toEqual([expect.objectContaining({ hostId, ok: true })]);

    // The host's page says so.
    const host = await hostData();
    expect(host?.status).toBe("online");
    expect(host?.keyConflict?.refusedAttempts).toBeGreaterThanOrEqual(2);

    // One audit event for the episode, not one per refused attempt.
    const audit = await admin.query<{
      events: { action: string; outcome: string; targetId: string; details: Record<string, unknown> }[];
    }>("audit.list", { action: "hosts.agent.key_in_use" });
    expect(audit.data?.events).toHaveLength(1);
    expect(audit.data?.events[0]).toMatchObject({ outcome: "denied", targetId: hostId });
    expect(audit.data?.events[0]?.details).toMatchObject({ hostName: "twice" });
  }, 120_000);
});
