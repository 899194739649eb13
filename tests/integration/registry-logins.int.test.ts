// Registry logins per team (issue 11, item 2) against real parts: Debian's docker-registry with an
// htpasswd login behind TLS, the Docker engine, an agent with nginx, the portal and the CLI. A
// private image fails to pull without a login ("unauthorized" in the deployment, over REST and in
// `wheelhouse deploy --wait`), fails with a wrong one naming the login used, and pulls and serves
// with the right one. The password never comes back through any API a viewer or an operator can
// reach, nor into the audit log or the portal's own log.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@wheelhouse/shared";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, testAppImage, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";

const REGISTRY_USER = "shopper";
/** Distinctive, so a search of every answer for it cannot match anything else by chance. */
const REGISTRY_PASSWORD = "Pw-7f3c9a1e-registry-only";
const WRONG_PASSWORD = "Wrong-2b8d4e6f-not-it";
/** What the engine and the registry say when a pull lacks a login or has a bad one. */
const UNAUTHORIZED = /unauthorized|no basic auth credentials/i;

let portal: Portal;
let registry: TestRegistry;
let host: TestHost;
let home: string;
let admin: RestClient;
let image: string;
const reader = new Map<"viewer" | "operator", { trpc: ApiClient; rest: RestClient }>();

function cli(args: string[], input?: string) {
  return runCli(home, args, {}, input);
}

async function deployAndWait(rest: RestClient): Promise<Deployment> {
  const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/deployments", {});
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return waitForDeployment(rest, started.body.deployment.id, 120_000);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("v1");
  registry = await startRegistry({ login: { username: REGISTRY_USER, password: REGISTRY_PASSWORD } });
  image = `${registry.host}/shop:v1`;
  await pushImage(testAppImage("v1"), image, {
    username: REGISTRY_USER,
    password: REGISTRY_PASSWORD,
    serveraddress: registry.host,
  });
  // The push left the name on this engine; without it a deploy has to ask the registry and pull.
  await new Docker().getImage(image).remove();

  home = mkdtempSync(join(tmpdir(), "wheelhouse-registry-cli-"));
  portal = await startPortal();
  const adminSession = await setUpAdmin(portal.url);
  admin = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  for (const role of ["viewer", "operator"] as const) {
    const password = `${role}-password-12`;
    const created = await adminSession.mutate("users.create", {
      email: `${role}@example.com`,
      name: role,
      password,
      role,
    });
    if (created.status !== 200) throw new Error(JSON.stringify(created.error));
    const trpc = new ApiClient(portal.url);
    if ((await trpc.signIn(`${role}@example.com`, password)).status !== 200) throw new Error(`${role} cannot sign in`);
    reader.set(role, { trpc, rest: await apiKeyFor(portal.url, `${role}@example.com`, password) });
  }
  host = await enrolHostWithNginx(adminSession, portal.url, "registry-host");
  const app = await admin.call("POST", "/apps", {
    name: "shop",
    image,
    port: 8080,
    hosts: [host.id],
    domains: ["shop.test"],
    pullPolicy: "always",
  });
  if (app.status !== 200) throw new Error(JSON.stringify(app.body));
  const login = await cli(["login", "--url", portal.url, "--email", ADMIN.email, "--password", ADMIN.password]);
  if (login.code !== 0) throw new Error(login.stderr);
}, 240_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  // The deployments below fail on purpose: the portal logs those failures.
  await portal?.stop({ expectedErrors: [UNAUTHORIZED] });
  await registry?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("a private registry", () => {
  it("without a login: the deploy fails with the registry's refusal, in REST and in deploy --wait", async () => {
    const run = await cli(["deploy", "shop", "--wait"]);

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(UNAUTHORIZED);
    const listed = await admin.call<{ deployments: Deployment[] }>("GET", "/apps/shop/deployments");
    const failed = listed.body.deployments[0];
    expect(failed?.status).toBe("Failed");
    expect(failed?.failureReason).toMatch(UNAUTHORIZED);
  });

  it("with a wrong login: the deploy fails and names the login it used", async () => {
    const added = await admin.call<{ replaced: boolean }>("POST", "/registries", {
      host: registry.host,
      username: REGISTRY_USER,
      password: WRONG_PASSWORD,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.replaced).toBe(false);

    const failed = await deployAndWait(admin);

    expect(failed.status).toBe("Failed");
    expect(failed.failureReason).toMatch(UNAUTHORIZED);
    expect(failed.failureReason).toContain(`${REGISTRY_USER} at ${registry.host}`);
    expect(failed.failureReason).not.toContain(WRONG_PASSWORD);
  });

  it("with the right login (from the CLI, replacing the wrong one): the deploy pulls and serves", async () => {
    const added = await cli(
      ["registries", "add", registry.host, "--username", REGISTRY_USER, "--password-stdin"],
      `${REGISTRY_PASSWORD}\n`,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Replaced the team's login for ${registry.host} as ${REGISTRY_USER}`);
    expect(`${added.stdout}${added.stderr}`).not.toContain(REGISTRY_PASSWORD);

    const run = await cli(["deploy", "shop", "--wait"]);

    expect(run.code, run.stderr).toBe(0);
    expect((await requestWithHost(host.nginxPort, "shop.test")).body).toBe(testAppPage("v1"));
    const listed = await cli(["registries", "list", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ host: registry.host, username: REGISTRY_USER, createdBy: ADMIN.email }),
    ]);
  });
});

describe("the password stays in the portal", () => {
  it("a viewer and an operator see the login, never its password, through any API they can reach", async () => {
    const [row] = await sql<{ passwordSealed: string }>(
      portal.databaseUrl,
      `SELECT "passwordSealed" FROM "RegistryLogin"`,
    );
    if (!row) throw new Error("no login stored");
    expect(row.passwordSealed).not.toContain(REGISTRY_PASSWORD);
    const deployments = await admin.call<{ deployments: Deployment[] }>("GET", "/apps/shop/deployments");
    const ids = deployments.body.deployments.map((deployment) => deployment.id);

    for (const [role, clients] of reader) {
      const viaRest = await clients.rest.call<{ logins: unknown[] }>("GET", "/registries");
      const viaTrpc = await clients.trpc.query<{ logins: unknown[] }>("registries.list");
      expect(viaRest.status, role).toBe(200);
      expect(viaRest.body.logins).toEqual([
        { host: registry.host, username: REGISTRY_USER, createdBy: ADMIN.email, createdAt: expect.any(String) },
      ]);
      expect(viaTrpc.data).toEqual(viaRest.body);

      const bodies: unknown[] = [viaRest.body, viaTrpc.data];
      for (const path of [
        "/me",
        "/apps",
        "/apps/shop",
        "/apps/shop/releases",
        "/apps/shop/deployments",
        ...ids.flatMap((id) => [`/deployments/${id}`, `/deployments/${id}/log?after=0`]),
      ]) {
        const answer = await clients.rest.call("GET", path);
        expect(answer.status, `${role} GET ${path}`).toBe(200);
        bodies.push(answer.body);
      }
      for (const procedure of ["apps.list", "hosts.list", "audit.list"]) {
        bodies.push(await clients.trpc.query(procedure, procedure === "audit.list" ? {} : undefined));
      }
      bodies.push(await (await fetch(`${portal.url}/api/openapi.json`)).text());
      const everything = JSON.stringify(bodies);
      expect(everything).not.toContain(REGISTRY_PASSWORD);
      expect(everything).not.toContain(WRONG_PASSWORD);
      expect(everything).not.toContain(row.passwordSealed);

      const refused = await clients.rest.call("POST", "/registries", {
        host: registry.host,
        username: "intruder",
        password: "intruder-password",
      });
      expect(refused.status, role).toBe(403);
    }
  });

  it("the audit log records each login saved, with host and user name and without the secret", async () => {
    const events = await sql<{ action: string; details: string | null }>(
      portal.databaseUrl,
      `SELECT action, details FROM "AuditEvent" WHERE action = 'registries.add' ORDER BY id`,
    );
    expect(events.map((event) => event.action)).toEqual(["registries.add", "registries.add"]);
    for (const event of events) {
      expect(String(event.details)).toContain(registry.host);
      expect(String(event.details)).toContain(REGISTRY_USER);
    }
    const all = JSON.stringify(await sql(portal.databaseUrl, `SELECT * FROM "AuditEvent"`));
    expect(all).not.toContain(REGISTRY_PASSWORD);
    expect(all).not.toContain(WRONG_PASSWORD);
    const logs = `${JSON.stringify(portal.logs)}${portal.stderr()}${JSON.stringify(host.agent.logs)}${host.agent.stderr()}`;
    expect(logs).not.toContain(REGISTRY_PASSWORD);
    expect(logs).not.toContain(WRONG_PASSWORD);
  });

  it("removes a login by host, the colon as is or as %3A, and says so for one it does not have", async () => {
    const removed = await admin.call("DELETE", `/registries/${encodeURIComponent(registry.host)}`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toEqual({ host: registry.host, removed: true });

    const again = await admin.call("DELETE", `/registries/${registry.host}`);
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(
      `Your team has no registry login for ${registry.host} (see GET /api/v1/registries).`,
    );
    // One removal, and the attempt on a login that is no longer there as a failure with its sentence.
    const audit = await sql<{ outcome: string; details: string }>(
      portal.databaseUrl,
      `SELECT outcome, details FROM "AuditEvent" WHERE action = 'registries.remove' ORDER BY id`,
    );
    expect(audit.map((event) => event.outcome)).toEqual(["success", "failure"]);
    expect(String(audit[0]?.details)).toContain(REGISTRY_USER);
    expect(String(audit[1]?.details)).toContain(`no registry login for ${registry.host}`);
  });
});
