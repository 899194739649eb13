// The `wheelhouse` CLI end to end against a real portal, agent, Docker engine and nginx: the flow
// of the issue (login, apps create/list, deploy --wait, releases, a failed deploy, rollback,
// status, maintenance, users, teams), with the exit codes and --json output scripts rely on.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, testAppImage, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";

let portal: Portal;
let host: TestHost;
let home: string;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(home, args, env);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all((["v1", "v2", "crash"] as const).map(ensureTestAppImage));
  home = mkdtempSync(join(tmpdir(), "wheelhouse-cli-home-"));
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "cli-host");
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("the wheelhouse CLI", () => {
  it("refuses commands before login with exit code 3", async () => {
    const result = await cli(["apps", "list"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Not logged in/);
  });

  it("logs in with email and password and stores the key with mode 0600", async () => {
    const result = await cli(["login", "--url", portal.url, "--email", ADMIN.email, "--password", ADMIN.password]);
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(ADMIN.email);
    const file = join(home, ".config", "wheelhouse", "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/whk_[A-Za-z0-9_-]{20,}/);
  });

  it("creates an app on the only host and lists it as JSON", async () => {
    const created = await cli([
      "apps",
      "create",
      "web",
      "--image",
      testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      "--pull-policy",
      "never",
      "--port",
      "8080",
      "--domain",
      "web.test",
      "--env",
      "GREETING=hello",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const listed = await cli(["apps", "list", "--json"]);
    expect(listed.code).toBe(0);
    const apps = JSON.parse(listed.stdout) as { name: string; environment: string; hosts: { name: string }[] }[];
    expect(apps.map((a) => [a.name, a.environment, a.hosts[0]?.name])).toEqual([["web", "staging", "cli-host"]]);
  });

  it("changes the pull policy and auto-deploy with apps update, and status --json shows them", async () => {
    const changed = await cli(["apps", "update", "web", "--pull-policy", "if-not-present", "--auto-deploy", "--json"]);
    expect(changed.code, changed.stderr).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({ name: "web", pullPolicy: "if-not-present", autoDeploy: true });
    // Back to local images only, as the deploys below need.
    const back = await cli(["apps", "update", "web", "--pull-policy", "never", "--no-auto-deploy"]);
    expect(back.stdout).toBe("Saved web: pull policy never, auto-deploy on push off.\n");
    const status = await cli(["status", "web", "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ pullPolicy: "never", autoDeploy: false });
  });

  it("refuses bad input with exit code 2 before sending anything", async () => {
    const result = await cli(["apps", "create", "Bad Name", "--image", "x:1", "--port", "80"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/app name/i);
  });

  it("deploys with --wait: progress on stderr, exit 0 when Live, and nginx serves it", async () => {
    const result = await cli(["deploy", "web", "--wait"]);
    expect(result.code, result.stderr).toBe(0);
    for (const step of ["Pulling", "Starting", "HealthChecking", "Live"]) expect(result.stderr).toContain(step);
    expect((await requestWithHost(host.nginxPort, "web.test")).body).toBe(testAppPage("v1"));
    const v2 = await cli(["deploy", "web", "--image", testAppImage("v2"), "--wait"]);
    expect(v2.code, v2.stderr).toBe(0);
    expect((await requestWithHost(host.nginxPort, "web.test")).body).toBe(testAppPage("v2"));
  });

  it("exits non-zero with the reason when a deploy fails", async () => {
    const result = await cli(["deploy", "web", "--image", testAppImage("crash"), "--wait"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/exited with code 3/);
    expect((await requestWithHost(host.nginxPort, "web.test")).body).toBe(testAppPage("v2"));
  });

  it("lists releases as JSON and rolls back to release 1 with --wait", async () => {
    const listed = await cli(["releases", "web", "--json"]);
    expect(listed.code).toBe(0);
    const releases = JSON.parse(listed.stdout) as { number: number; live: boolean }[];
    // The failed deploy made release 3 too (its image was resolved); it never went live.
    expect(releases.map((r) => r.number)).toEqual([3, 2, 1]);
    expect(releases.find((r) => r.live)?.number).toBe(2);
    const rolled = await cli(["rollback", "web", "--to", "1", "--wait"]);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect((await requestWithHost(host.nginxPort, "web.test")).body).toBe(testAppPage("v1"));
    const missing = await cli(["rollback", "web", "--to", "9"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no release 9/);
  });

  it("shows status as JSON with the live release and its instance", async () => {
    const result = await cli(["status", "web", "--json"]);
    expect(result.code).toBe(0);
    const app = JSON.parse(result.stdout) as {
      status: string;
      liveRelease: { number: number };
      instances: { status: string; hostName: string }[];
    };
    expect(app.status).toBe("Live");
    expect(app.liveRelease.number).toBe(1);
    expect(app.instances.map((i) => [i.hostName, i.status])).toEqual([["cli-host", "Healthy"]]);
  });

  it("switches maintenance on and off", async () => {
    expect((await cli(["maintenance", "web", "on"])).code).toBe(0);
    expect((await requestWithHost(host.nginxPort, "web.test")).status).toBe(503);
    expect((await cli(["maintenance", "web", "off"])).code).toBe(0);
    expect((await requestWithHost(host.nginxPort, "web.test")).body).toBe(testAppPage("v1"));
  });

  it("creates and lists users as an admin; an operator's key may not", async () => {
    const created = await cli([
      "users",
      "create",
      "ops@example.com",
      "--role",
      "operator",
      "--password",
      "operator-pass-1",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const listed = await cli(["users", "list", "--json"]);
    const users = JSON.parse(listed.stdout) as { email: string; role: string }[];
    expect(users.map((u) => [u.email, u.role])).toEqual(
      expect.arrayContaining([
        [ADMIN.email, "admin"],
        ["ops@example.com", "operator"],
      ]),
    );
    const operatorHome = { XDG_CONFIG_HOME: join(home, "operator") };
    const login = await cli(
      ["login", "--url", portal.url, "--email", "ops@example.com", "--password", "operator-pass-1"],
      operatorHome,
    );
    expect(login.code, login.stderr).toBe(0);
    const refused = await cli(
      ["users", "create", "x@example.com", "--role", "viewer", "--password", "viewer-pass-12"],
      operatorHome,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/permission|not allowed|may not|role/i);
  });

  it("lists the key's teams, creates one (then listed, not current) and refuses a bad name with exit 2", async () => {
    const before = await cli(["teams", "list", "--json"]);
    expect(before.code, before.stderr).toBe(0);
    const first = JSON.parse(before.stdout) as { name: string; role: string; current: boolean }[];
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ role: "admin", current: true });

    const created = await cli(["teams", "create", "Blue team"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created team Blue team with you as its admin\. This key stays in its own team/);
    const listed = await cli(["teams", "list", "--json"]);
    const teams = JSON.parse(listed.stdout) as { name: string; role: string; current: boolean }[];
    expect(teams.map((t) => [t.name, t.role, t.current])).toEqual([
      [first[0]?.name, "admin", true],
      ["Blue team", "admin", false],
    ]);
    const table = await cli(["teams", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^CURRENT\s+NAME\s+ROLE\s+SLUG$/);
    expect(table.stdout).toMatch(/\n\*\s+\S.*\s+admin\s+\S+\n-\s+Blue team\s+admin\s+blue-team\n$/);

    const twice = await cli(["teams", "create", "blue TEAM"]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe("wheelhouse: A team named blue TEAM already exists. Choose another name.\n");
    const noLetter = await cli(["teams", "create", "!!!"]);
    expect(noLetter.code).toBe(2);
    expect(noLetter.stderr).toContain('wheelhouse: NAME "!!!": A team name needs at least one letter or digit.');
    const tooLong = await cli(["teams", "create", "x".repeat(61), "--json"]);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stderr).toContain("A team name is at most 60 characters.");
    expect(tooLong.stdout).toBe("");
    const after = JSON.parse((await cli(["teams", "list", "--json"])).stdout) as unknown[];
    expect(after).toHaveLength(2);

    // A key for the other team: `login --team`, by name or slug; the stored key then works there.
    const blueHome = { XDG_CONFIG_HOME: join(home, "blue") };
    const signIn = ["login", "--url", portal.url, "--email", ADMIN.email, "--password", ADMIN.password];
    const blue = await cli([...signIn, "--team", "blue-team"], blueHome);
    expect(blue.code, blue.stderr).toBe(0);
    expect(blue.stdout).toContain("team Blue team");
    const blueTeams = JSON.parse((await cli(["teams", "list", "--json"], blueHome)).stdout) as {
      name: string;
      current: boolean;
    }[];
    expect(blueTeams.find((t) => t.current)?.name).toBe("Blue team");
    const unknown = await cli([...signIn, "--team", "Green team"], { XDG_CONFIG_HOME: join(home, "green") });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("You are not a member of a team named Green team. Your teams:");
    const refusals = await sql<{ details: string }>(
      portal.databaseUrl,
      `SELECT details FROM "AuditEvent" WHERE action = 'apikeys.manage' AND outcome = 'denied'`,
    );
    expect(refusals.map((row) => JSON.parse(row.details).team)).toContain("Green team");
    const withToken = await cli(["login", "--url", portal.url, "--token", "whk_x", "--team", "Blue team"], blueHome);
    expect(withToken.code).toBe(2);
    expect(withToken.stderr).toContain("--team goes with --email and --password");
  });

  it("removes a member by email: their key for the team ends, and unknown or bad emails are refused", async () => {
    const operatorHome = { XDG_CONFIG_HOME: join(home, "operator") };
    expect((await cli(["users", "list"], operatorHome)).code).toBe(0);
    const bad = await cli(["users", "remove", "ops"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/EMAIL "ops": Enter an email address/);
    const unknown = await cli(["users", "remove", "nobody@example.com"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      "wheelhouse: No member of this team has the email nobody@example.com (see wheelhouse users list).\n",
    );
    const self = await cli(["users", "remove", ADMIN.email]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/You cannot remove yourself/);

    const removed = await cli(["users", "remove", "OPS@example.com", "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    // The operator's `login` made one key in this team.
    expect(JSON.parse(removed.stdout)).toEqual({
      ok: true,
      email: "ops@example.com",
      role: "operator",
      revokedKeys: 1,
    });
    const users = JSON.parse((await cli(["users", "list", "--json"])).stdout) as { email: string }[];
    expect(users.map((u) => u.email)).not.toContain("ops@example.com");
    const refused = await cli(["users", "list"], operatorHome);
    expect(refused.code).toBe(3);
    const again = await cli(["users", "remove", "ops@example.com"]);
    expect(again.code).toBe(1);
  });

  it("exits 4 naming the address when the portal is unreachable", async () => {
    const result = await cli(["apps", "list"], { WHEELHOUSE_URL: "http://127.0.0.1:9", WHEELHOUSE_TOKEN: "whk_x" });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("127.0.0.1:9");
  });
});
