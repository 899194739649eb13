// Shells against a real portal, agent and Docker engine: the attach token (forged, reused, another
// person's), the team boundary, the container shell grant, argument lists that stay literal, the
// asciicast recording, the audit events at open and close, and `wheelhouse exec`'s exit code.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { deployTestApp, enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeTestContainers,
  runDocker,
  runTestContainer,
  type TestContainer,
} from "../support/docker.ts";
import { waitForListedContainer } from "../support/inventory.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { connectTerminal, openContainerShell } from "../support/terminal-client.ts";

const OPERATOR = { email: "oscar@example.com", password: "oscar-operator-pw", name: "Oscar" };
const PROMPT = /[#$] /;

let portal: Portal;
let admin: ApiClient;
let operator: ApiClient;
let operatorId: string;
let host: TestHost;
let box: TestContainer;
/** The container of the app "shellapp" that Wheelhouse runs: operators with the grant may shell into it. */
let appBox = "";
let rest: RestClient;
let home: string;

async function auditOf(action: string) {
  return sql<{ action: string; outcome: string; details: string; actorEmail: string | null }>(
    portal.databaseUrl,
    `SELECT action, outcome, details, "actorEmail" FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

function waitForContainer(id: string) {
  return waitForListedContainer(admin, host.id, id);
}

function cli(args: string[]) {
  return runCli(home, args);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("v1");
  home = mkdtempSync(join(tmpdir(), "wheelhouse-shell-home-"));
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const created = await admin.mutate<{ id: string }>("users.create", { ...OPERATOR, role: "operator" });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  operatorId = created.data.id;
  operator = new ApiClient(portal.url);
  await operator.signIn(OPERATOR.email, OPERATOR.password);
  host = await enrolHostWithNginx(admin, portal.url, "shell-host");
  // The base test image has busybox's sh and no bash: the shell falls back to /bin/sh.
  box = await runTestContainer({ command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3000 & wait"] });
  await waitForContainer(box.id);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  appBox = await deployTestApp(rest, "shellapp", host.id);
  await waitForContainer(appBox);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await removeTestContainers();
  await portal?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("container shells", () => {
  it("opens /bin/sh when there is no bash, echoes, records asciicast v2 and audits open and close", async () => {
    const shell = await openContainerShell(admin, host.id, box.id, { cols: 100, rows: 30 });
    await shell.waitFor(PROMPT);
    shell.send("echo hel''lo-from-the-shell\r");
    await shell.waitFor("hello-from-the-shell");
    shell.send("exit 3\r");
    const ended = await shell.ended;
    expect(ended.exitCode).toBe(3);
    expect(ended.reason).toBe("exited");

    const [row] = await sql<{
      kind: string;
      command: string;
      exitCode: number;
      endReason: string;
      recordingPath: string;
      endedAt: unknown;
      containerId: string;
    }>(portal.databaseUrl, `SELECT * FROM "TerminalSession" WHERE id = $1`, [shell.sessionId]);
    expect(row?.kind).toBe("container");
    expect(JSON.parse(row?.command ?? "[]")).toEqual(["/bin/sh"]);
    expect(Number(row?.exitCode)).toBe(3);
    expect(row?.endReason).toBe("exited");
    expect(row?.endedAt).not.toBeNull();
    expect(row?.containerId).toBe(box.id);

    const lines = readFileSync(join(portal.dataDir, row?.recordingPath ?? "missing"), "utf8")
      .trimEnd()
      .split("\n");
    const header = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(header).toMatchObject({ version: 2, width: 100, height: 30 });
    expect(typeof header.timestamp).toBe("number");
    let last = 0;
    let output = "";
    for (const line of lines.slice(1)) {
      const event = JSON.parse(line) as unknown[];
      expect(event).toHaveLength(3);
      const [time, kind, data] = event as [number, string, string];
      expect(typeof time).toBe("number");
      expect(time).toBeGreaterThanOrEqual(last);
      expect(["o", "r"]).toContain(kind);
      expect(typeof data).toBe("string");
      last = time;
      if (kind === "o") output += data;
    }
    expect(output).toContain("hello-from-the-shell");

    const opened = (await auditOf("terminal.open")).map((e) => JSON.parse(e.details) as { sessionId: string });
    const closed = (await auditOf("terminal.close")).map((e) => JSON.parse(e.details) as Record<string, unknown>);
    expect(opened.some((d) => d.sessionId === shell.sessionId)).toBe(true);
    expect(closed.find((d) => d.sessionId === shell.sessionId)).toMatchObject({ exitCode: 3, reason: "exited" });
  });

  it("refuses a forged token, a reused one, and another person's", async () => {
    await expect(connectTerminal(portal.url, admin.cookie ?? "", `wht_${"A".repeat(43)}`)).rejects.toThrow(
      /expired or was already used/,
    );
    const minted = await admin.mutate<{ token: string }>("terminal.openContainer", {
      hostId: host.id,
      containerId: box.id,
      size: { cols: 80, rows: 24 },
    });
    const token = minted.data?.token ?? "";
    // Another signed-in person presenting it is refused (and the token is spent).
    await expect(connectTerminal(portal.url, operator.cookie ?? "", token)).rejects.toThrow(
      /expired or was already used/,
    );
    await expect(connectTerminal(portal.url, admin.cookie ?? "", token)).rejects.toThrow(/expired or was already used/);
    const fresh = await admin.mutate<{ token: string }>("terminal.openContainer", {
      hostId: host.id,
      containerId: box.id,
      size: { cols: 80, rows: 24 },
    });
    const first = await connectTerminal(portal.url, admin.cookie ?? "", fresh.data?.token ?? "");
    await expect(connectTerminal(portal.url, admin.cookie ?? "", fresh.data?.token ?? "")).rejects.toThrow(
      /expired or was already used/,
    );
    // A page of another site cannot attach even with a good token.
    const third = await admin.mutate<{ token: string }>("terminal.attach", {
      sessionId: first.sessionId,
      mode: "control",
    });
    await expect(
      connectTerminal(portal.url, admin.cookie ?? "", third.data?.token ?? "", { origin: "https://evil.example" }),
    ).rejects.toThrow(/origin/);
    first.send("exit\r");
    await first.ended;
    const denied = await auditOf("terminal.attach");
    expect(denied.filter((e) => e.outcome === "denied").length).toBeGreaterThanOrEqual(3);
  });

  it("refuses a container on another team's host", async () => {
    await sql(portal.databaseUrl, `INSERT INTO "Team" (id, name, slug, "createdAt") VALUES ($1, $2, $3, $4)`, [
      "team_other",
      "Other team",
      "other-team",
      new Date().toISOString(),
    ]);
    await sql(
      portal.databaseUrl,
      `INSERT INTO "Host" (id, "teamId", name, facts, "createdAt") VALUES ($1, $2, $3, $4, $5)`,
      ["host_other", "team_other", "their-host", "{}", new Date().toISOString()],
    );
    const size = { cols: 80, rows: 24 };
    const theirs = await admin.mutate("terminal.openContainer", { hostId: "host_other", containerId: box.id, size });
    expect(theirs.status).toBe(404);
    expect((await admin.mutate("terminal.openHost", { hostId: "host_other", size })).status).toBe(404);
  });

  it("runs a command with shell metacharacters as one literal argument", async () => {
    const literal = "a; touch /tmp/pwned && echo b";
    const shell = await openContainerShell(admin, host.id, box.id, { command: ["echo", literal] });
    const ended = await shell.ended;
    expect(ended.exitCode).toBe(0);
    expect(shell.text()).toContain(literal);
    await expect(runDocker(["exec", box.id, "ls", "/tmp/pwned"])).rejects.toThrow(/No such file/);
  });

  it("needs the container shell grant on top of the operator role, checked again at attach", async () => {
    const size = { cols: 80, rows: 24 };
    const refused = await operator.mutate("terminal.openContainer", { hostId: host.id, containerId: box.id, size });
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toMatch(/its own grant/);
    const denials = (await auditOf("containers.shell")).filter((e) => e.actorEmail === OPERATOR.email);
    expect(denials.map((e) => JSON.parse(e.details).reason)).toContain("no container shell grant");
    expect((await operator.mutate("terminal.openHost", { hostId: host.id, size })).status).toBe(403);

    expect((await admin.mutate("users.setShellGrant", { userId: operatorId, granted: true })).status).toBe(200);
    const granted = await admin.query<{ email: string; containerShellGrant: boolean }[]>("users.list");
    expect(granted.data?.find((u) => u.email === OPERATOR.email)?.containerShellGrant).toBe(true);
    expect((await auditOf("users.shell-grant.update")).at(-1)?.outcome).toBe("success");
    // The grant opens containers Wheelhouse runs for the team's apps, not any container (issue 9).
    const unmanaged = await operator.mutate("terminal.openContainer", { hostId: host.id, containerId: box.id, size });
    expect(unmanaged.status).toBe(403);
    expect(unmanaged.error?.message).toMatch(/does not run .* for an app of your team.*only admins/);
    const shell = await openContainerShell(operator, host.id, appBox);
    await shell.waitFor(PROMPT);
    shell.send("exit\r");
    await shell.ended;

    // A token minted while the grant was held is refused once it is taken away.
    const minted = await operator.mutate<{ token: string }>("terminal.openContainer", {
      hostId: host.id,
      containerId: appBox,
      size,
    });
    await admin.mutate("users.setShellGrant", { userId: operatorId, granted: false });
    await expect(connectTerminal(portal.url, operator.cookie ?? "", minted.data?.token ?? "")).rejects.toThrow(
      /its own grant/,
    );
  });

  it("lets a second permitted person watch read-only", async () => {
    const shell = await openContainerShell(admin, host.id, appBox);
    await shell.waitFor(PROMPT);
    await admin.mutate("users.setShellGrant", { userId: operatorId, granted: true });
    const watchToken = await operator.mutate<{ token: string }>("terminal.attach", {
      sessionId: shell.sessionId,
      mode: "watch",
    });
    const watcher = await connectTerminal(portal.url, operator.cookie ?? "", watchToken.data?.token ?? "");
    const control = await operator.mutate("terminal.attach", { sessionId: shell.sessionId, mode: "control" });
    expect(control.status).toBe(403);
    watcher.send("echo typed-by-the-watcher\r");
    shell.send("echo seen-by-both\r");
    await watcher.waitFor("seen-by-both");
    expect(shell.text()).not.toContain("typed-by-the-watcher");
    shell.send("exit\r");
    await Promise.all([shell.ended, watcher.ended]);
    await admin.mutate("users.setShellGrant", { userId: operatorId, granted: false });
  });

  it("counts sessions in /metrics", async () => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    expect(text).toMatch(/^wheelhouse_terminal_sessions_total\{kind="container"\} [1-9]/m);
    expect(text).toMatch(/^wheelhouse_terminal_sessions_active 0$/m);
  });
});

describe("wheelhouse exec", () => {
  it("runs in an instance of the app and exits with the command's exit code", async () => {
    const login = await cli(["login", "--url", portal.url, "--email", ADMIN.email, "--password", ADMIN.password]);
    expect(login.code, login.stderr).toBe(0);
    const failing = await cli(["exec", "shellapp", "--", "sh", "-c", "echo out; echo err >&2; exit 7"]);
    expect(failing.code).toBe(7);
    expect(failing.stdout).toBe("out\n");
    expect(failing.stderr).toBe("err\n");

    const literal = "a; touch /tmp/pwned && echo b";
    const echoed = await cli(["exec", "shellapp", "--", "echo", literal]);
    expect(echoed.code, echoed.stderr).toBe(0);
    expect(echoed.stdout).toBe(`${literal}\n`);
    expect((await cli(["exec", "shellapp", "--", "ls", "/tmp/pwned"])).code).not.toBe(0);

    const exec = (await auditOf("terminal.exec")).map((e) => JSON.parse(e.details) as Record<string, unknown>);
    expect(exec.find((d) => d.exitCode === 7)).toMatchObject({
      app: "shellapp",
      command: ["sh", "-c", "echo out; echo err >&2; exit 7"],
    });
    expect((await cli(["exec", "no-such-app", "--", "true"])).code).toBe(1);
  }, 120_000);
});
