// `wheelhouse hosts` end to end against a real portal and a real agent: `hosts add --json` gives the
// one install line with the portal's address and a token; the agent enrolled with that token turns
// Online in `hosts list --json` with its version compared to the portal's; an operator's revoke is
// refused (audited), an unknown name is named, and the admin's revoke disconnects the agent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../support/agents.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

const OPERATOR = { email: "olga@example.com", password: "operator password 1", name: "Olga Operator" };

let portal: Portal;
let admin: ApiClient;
let adminHome: string;
let operatorHome: string;
let agentDir: string | undefined;
let agent: AgentProcess | undefined;

interface ListedHost {
  id: string;
  name: string;
  status: string;
  agentVersion: string | null;
  agentVersionStatus: string;
}

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const operator = await admin.mutate("users.create", { ...OPERATOR, role: "operator" });
  if (operator.status !== 200) throw new Error(`users.create failed: ${JSON.stringify(operator.error)}`);
  adminHome = mkdtempSync(join(tmpdir(), "wheelhouse-cli-hosts-admin-"));
  operatorHome = mkdtempSync(join(tmpdir(), "wheelhouse-cli-hosts-operator-"));
  for (const [home, who] of [
    [adminHome, ADMIN],
    [operatorHome, OPERATOR],
  ] as const) {
    const login = await runCli(home, ["login", "--url", portal.url, "--email", who.email, "--password", who.password]);
    if (login.code !== 0) throw new Error(`login as ${who.email} failed: ${login.stderr}`);
  }
}, 120_000);

afterAll(async () => {
  await agent?.kill();
  if (agentDir) removeConfigDir(agentDir);
  await portal?.stop();
  for (const home of [adminHome, operatorHome]) if (home) rmSync(home, { recursive: true, force: true });
});

async function listedHosts(home: string): Promise<ListedHost[]> {
  const listed = await runCli(home, ["hosts", "list", "--json"]);
  if (listed.code !== 0) throw new Error(`hosts list exited ${listed.code}: ${listed.stderr}`);
  return JSON.parse(listed.stdout) as ListedHost[];
}

describe("wheelhouse hosts", () => {
  it("adds a host: the one line and a token that a real agent enrols with, then Online in hosts list", async () => {
    const added = await runCli(adminHome, ["hosts", "add", "cli-agent", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    const printed = JSON.parse(added.stdout) as { name: string; token: string; command: string };
    expect(printed.name).toBe("cli-agent");
    expect(printed.token).toMatch(/^whe_\S+$/);
    // The test portal's PUBLIC_URL is its loopback address (tests/support/portal.ts).
    expect(printed.command).toBe(`curl -fsSL ${portal.url}/install/agent.sh | sudo sh -s -- --token ${printed.token}`);

    const pending = (await listedHosts(adminHome)).find((host) => host.name === "cli-agent");
    expect(pending).toBeUndefined();

    agentDir = agentConfigDir();
    const enrolled = await enrollAgent(agentDir, portal.url, printed.token);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    agent = runAgent(agentDir);
    const running = agent;
    const online = await waitFor(async () => (await listedHosts(adminHome)).find((host) => host.name === "cli-agent"), {
      what: "cli-agent Online in wheelhouse hosts list --json",
      timeoutMs: 20_000,
      intervalMs: 500,
      until: (host) => host?.status === "online",
      giveUpIf: () => (running.process.exitCode === null ? undefined : `the agent exited: ${running.stderr()}`),
    });
    // The agent of this checkout is the portal's own version.
    expect(online).toMatchObject({ agentVersion: "0.1.0", agentVersionStatus: "current" });

    const table = await runCli(adminHome, ["hosts", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME\s+STATUS\s+AGENT\s+LAST SEEN$/m);
    expect(table.stdout).toMatch(/^cli-agent\s+Online\s+0\.1\.0\s+(just now|\d+ s ago)$/m);
    expect(table.stderr).toBe("");
  });

  it("refuses to enrol a second host under a taken name, with exit code 1", async () => {
    const again = await runCli(adminHome, ["hosts", "add", "cli-agent"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "wheelhouse: A host named cli-agent is already enrolled. Choose another name or revoke it first.\n",
    );
    expect(again.stdout).toBe("");
  });

  it("refuses an operator's revoke, audits the refusal, and leaves the host Online", async () => {
    const refused = await runCli(operatorHome, ["hosts", "revoke", "cli-agent"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("wheelhouse: Your role (operator) cannot do this; it needs admin.\n");
    const audit = await admin.query<{ events: { action: string; outcome: string; actorEmail: string | null }[] }>(
      "audit.list",
      { action: "hosts.revoke" },
    );
    expect(audit.data?.events).toContainEqual(
      expect.objectContaining({ action: "hosts.revoke", outcome: "denied", actorEmail: OPERATOR.email }),
    );
    expect((await listedHosts(adminHome)).find((host) => host.name === "cli-agent")?.status).toBe("online");
  });

  it("names an unknown host with exit code 1", async () => {
    const unknown = await runCli(adminHome, ["hosts", "revoke", "no-such-host"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      "wheelhouse: There is no host named no-such-host in your team (hosts: cli-agent); see wheelhouse hosts list.\n",
    );
  });

  it("revokes by name: the agent is disconnected and stops, and the host is listed Revoked", async () => {
    const revoked = await runCli(adminHome, ["hosts", "revoke", "cli-agent"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe("Revoked cli-agent: its agent was disconnected and its key no longer works.\n");
    const exited = await Promise.race([
      agent?.exited,
      new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000)),
    ]);
    // 78: the agent's exit code for a key the portal no longer accepts.
    expect(exited).toBe(78);
    expect((await listedHosts(adminHome)).find((host) => host.name === "cli-agent")?.status).toBe("revoked");
  });
});
