import { describe, expect, it } from "vitest";
import { inProcessCli } from "./in-process-cli";
import { CANNED_HOSTS } from "./stand-in-portal";

const cli = inProcessCli("hosts");
const run = cli.run;

describe("wheelhouse hosts add", () => {
  it("prints only the one line on stdout, with the portal's address and the new token", async () => {
    const result = await run(["hosts", "add", "web-2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      `curl -fsSL ${cli.portal().url}/install/agent.sh | sudo sh -s -- --token whe_StandInToken_0123456789abcdef\n`,
    );
    expect(result.stderr).toMatch(/Run this on web-2 as root/);
    expect(cli.portal().requests).toEqual([
      expect.objectContaining({ method: "POST", path: "/api/v1/hosts/enrollments", body: { name: "web-2" } }),
    ]);
  });

  it("--json prints an object with the token and the command, and nothing else", async () => {
    const result = await run(["hosts", "add", "web-2", "--json"]);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, string>;
    expect(printed).toMatchObject({
      name: "web-2",
      token: "whe_StandInToken_0123456789abcdef",
      portalUrl: cli.portal().url,
    });
    expect(printed.command).toBe(agentLine(printed.token ?? ""));
    expect(result.stderr).toBe("");
  });

  it("refuses a bad name with exit code 2 before sending anything", async () => {
    const result = await run(["hosts", "add", "web 2"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/NAME "web 2": Use letters, digits, dots and dashes/);
    expect(cli.portal().requests).toHaveLength(0);
  });

  it("passes the portal's refusal of a taken name on with exit code 1", async () => {
    const result = await run(["hosts", "add", "web-1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "wheelhouse: A host named web-1 is already enrolled. Choose another name or revoke it first.\n",
    );
    expect(result.stdout).toBe("");
  });
});

function agentLine(token: string): string {
  return `curl -fsSL ${cli.portal().url}/install/agent.sh | sudo sh -s -- --token ${token}`;
}

describe("wheelhouse hosts list", () => {
  it("shows name, status, agent version (older ones marked) and last seen, and the upgrade line", async () => {
    const result = await run(["hosts", "list"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+AGENT\s+LAST SEEN$/);
    expect(lines.find((line) => line.startsWith("web-1"))).toMatch(
      /^web-1\s+Online\s+0\.1\.0 \(older than 0\.2\.0\)\s+1 min ago$/,
    );
    expect(lines.find((line) => line.startsWith("db-1"))).toMatch(/^db-1\s+Lost\s+0\.2\.0\s+1 min ago$/);
    // Not semver: unknown, so not marked older.
    expect(lines.find((line) => line.startsWith("lab-1"))).toMatch(/^lab-1\s+Online\s+test\s+1 min ago$/);
    // The revoked host is older too, but upgrading it would not help: only web-1 is counted.
    expect(result.stderr).toBe(
      `\n1 agent is older than the portal (0.2.0). Upgrade each by running on it:\n  curl -fsSL ${cli.portal().url}/install/agent.sh | sudo sh\n`,
    );
  });

  it("--json prints the hosts array as the portal sent it", async () => {
    const result = await run(["hosts", "list", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(CANNED_HOSTS);
    expect(result.stderr).toBe("");
  });
});

describe("wheelhouse hosts revoke", () => {
  it("revokes by name: looks the host up, then revokes its id", async () => {
    const result = await run(["hosts", "revoke", "web-1"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("Revoked web-1: its agent was disconnected and its key no longer works.\n");
    expect(cli.portal().requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v1/hosts",
      "POST /api/v1/hosts/host_web/revoke",
    ]);
  });

  it("names the known hosts for an unknown name, exit code 1, nothing revoked", async () => {
    const result = await run(["hosts", "revoke", "web-9"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "wheelhouse: There is no host named web-9 in your team (hosts: web-1, db-1, lab-1); see wheelhouse hosts list.\n",
    );
    expect(cli.portal().requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("says so when the host was already revoked, and sends no revocation", async () => {
    const result = await run(["hosts", "revoke", "old-1"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("old-1 was already revoked.\n");
    expect(cli.portal().requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("passes a refusal on with the portal's sentence and exit code 1", async () => {
    const result = await run(["hosts", "revoke", "db-1"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: Your role (operator) cannot do this; it needs admin.\n");
  });
});
