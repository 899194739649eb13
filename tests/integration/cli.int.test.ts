// The `wheelhouse` CLI end to end against a real portal, agent, Docker engine and nginx: the flow
// of the issue (login, apps create/list, deploy --wait, releases, a failed deploy, rollback,
// status, maintenance, users), with the exit codes and --json output scripts rely on.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
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

  it("exits 4 naming the address when the portal is unreachable", async () => {
    const result = await cli(["apps", "list"], { WHEELHOUSE_URL: "http://127.0.0.1:9", WHEELHOUSE_TOKEN: "whk_x" });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("127.0.0.1:9");
  });
});
