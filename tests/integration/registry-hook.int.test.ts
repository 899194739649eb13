// Deploy on push (issue 11, items 3 and 4), with real parts: a portal, a host with a real agent,
// the Docker engine and its managed nginx, and Debian's docker-registry configured to notify the
// portal. A `docker push` (through the engine API) makes the registry POST its envelope to
// /api/v1/hooks/registry; every opted-in app of that repository and tag gets exactly one deployment
// of the pushed digest, the others none; a repeated or doubled notification deploys once; a
// notification without the hook token is refused and audited. Then the image status ("pushed but
// not deployed") of the apps.

import { rmSync } from "node:fs";
import type { AppDetail, Deployment, ImageStatus, Release } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { buildOwnAppImage, dockerAvailable, removeTestImages, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const EVENTS_TYPE = "application/vnd.docker.distribution.events.v1+json";

let portal: Portal;
let rest: RestClient;
let host: TestHost;
let registry: TestRegistry;
let hookToken = "";
let hookUrl = "";
/** The manifest digest of the push (sha256:…). */
let digest = "";

/** Opted in on the pushed tag: `latest` spelt out, and the same repository with no tag (latest too). */
const OPTED_IN = ["shop-a", "shop-b"] as const;
/** Same repository, auto-deploy off; and auto-deploy on, but another tag. */
const LEFT_ALONE = ["shop-manual", "shop-canary"] as const;

const domainOf = (app: string) => `${app}.push.test`;

async function deploymentsOf(app: string): Promise<Deployment[]> {
  const answer = await rest.call<{ deployments: Deployment[] }>("GET", `/apps/${app}/deployments`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.deployments;
}

/** POSTs a notification as the registry does: its content type, and the token as given. */
async function notify(envelope: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(hookUrl, {
    method: "POST",
    headers: { "content-type": EVENTS_TYPE, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(envelope),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The registry's envelope for a manifest push, as distribution writes it (fields we ignore included). */
function envelopeFor(push: { eventId: string; repository: string; tag: string; digest: string }) {
  return {
    events: [
      {
        id: push.eventId,
        timestamp: new Date().toISOString(),
        action: "push",
        target: {
          mediaType: "application/vnd.docker.distribution.manifest.v2+json",
          size: 527,
          digest: push.digest,
          length: 527,
          repository: push.repository,
          url: `http://${registry.host}/v2/${push.repository}/manifests/${push.digest}`,
          tag: push.tag,
        },
        request: {
          id: "5c1b4a47-1d0b-4b4e-9d0e-3a0e3f0c9a11",
          addr: "127.0.0.1:40000",
          host: registry.host,
          method: "PUT",
          useragent: "docker/20.10",
        },
        actor: {},
        source: { addr: "wheelhouse-test:5000", instanceID: "9b0d5f4e-5d4b-4f63-8f0a-0c5f9a3c2d10" },
      },
    ],
  };
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "push-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);

  const created = await rest.call<{ token: string; url: string }>("POST", "/hooks/registry/token", {});
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  hookToken = created.body.token;
  hookUrl = created.body.url;
  expect(hookUrl).toBe(`${portal.url}/api/v1/hooks/registry`);
  registry = await startRegistry({ notify: { url: hookUrl, token: hookToken } });

  const apps: { name: string; image: string; autoDeploy: boolean }[] = [
    { name: "shop-a", image: `${registry.host}/shop:latest`, autoDeploy: true },
    { name: "shop-b", image: `${registry.host}/shop`, autoDeploy: true },
    { name: "shop-manual", image: `${registry.host}/shop:latest`, autoDeploy: false },
    { name: "shop-canary", image: `${registry.host}/shop:canary`, autoDeploy: true },
  ];
  for (const app of apps) {
    const made = await rest.call("POST", "/apps", {
      ...app,
      pullPolicy: "always",
      port: 8080,
      hosts: [host.id],
      domains: [domainOf(app.name)],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await registry?.stop();
  await removeTestImages();
  await portal?.stop();
  // The portal restarted mid-file was given its data folder, so its stop() leaves it: removed here.
  if (portal) rmSync(portal.dataDir, { recursive: true, force: true });
});

describe("deploy on push", () => {
  it("deploys the pushed digest once to each opted-in app, and to no other", async () => {
    const image = await buildOwnAppImage("v2");
    digest = await pushImage(image, `${registry.host}/shop:latest`);
    const pinned = `${registry.host}/shop@${digest}`;

    for (const app of OPTED_IN) {
      const [only, ...more] = await waitFor(() => deploymentsOf(app), {
        what: `${app}'s deployment of the pushed digest`,
        timeoutMs: 30_000,
        intervalMs: 250,
        until: (list) => list.length > 0,
      });
      expect(more).toEqual([]);
      expect(only?.imageRef).toBe(pinned);
      expect(only?.requestedBy).toBe("registry hook");
      expect(only?.reason).toBe(`pushed ${registry.host}/shop:latest (sha256:${digest.slice(7, 19)}…)`);
      const done = await waitForDeployment(rest, only?.id ?? "", 90_000);
      expect(done.status, done.failureReason ?? "").toBe("Live");
      const releases = await rest.call<{ releases: Release[] }>("GET", `/apps/${app}/releases`);
      expect(releases.body.releases.map((r) => r.imageDigest)).toEqual([pinned]);
      expect(releases.body.releases[0]?.createdBy).toBe("registry hook");
      // It serves the pushed image, through nginx, by the app's domain.
      const page = await requestWithHost(host.nginxPort, domainOf(app));
      expect(page.body).toBe(testAppPage("v2"));
      // The app keeps its tag, so the next push deploys again.
      const detail = await rest.call<{ app: AppDetail }>("GET", `/apps/${app}`);
      expect(detail.body.app.image).not.toContain("@");
    }

    // The push row says what it started; both opted-in apps are Live by now, so the notification that
    // started them has long been handled, and the apps left alone have had every chance to deploy.
    const rows = await sql<{ repository: string; tag: string; digest: string; deployments: number }>(
      portal.databaseUrl,
      `SELECT repository, tag, digest, deployments FROM "RegistryPush"`,
    );
    expect(rows).toEqual([{ repository: `${registry.host}/shop`, tag: "latest", digest, deployments: 2 }]);
    for (const app of LEFT_ALONE) expect(await deploymentsOf(app)).toEqual([]);

    const audited = await sql<{ actorEmail: string; actorId: string | null; details: string }>(
      portal.databaseUrl,
      `SELECT "actorEmail", "actorId", details FROM "AuditEvent" WHERE action = 'apps.deploy' ORDER BY id`,
    );
    expect(audited).toHaveLength(2);
    for (const event of audited) {
      expect(event).toMatchObject({ actorEmail: "registry hook", actorId: null });
      expect(JSON.parse(event.details)).toMatchObject({ image: pinned, via: "registry hook" });
      expect(event.details).not.toContain(hookToken);
    }
  }, 240_000);

  it("deploys nothing more for the same notification sent again", async () => {
    const [row] = await sql<{ eventId: string }>(portal.databaseUrl, `SELECT "eventId" FROM "RegistryPush"`);
    const again = await notify(
      envelopeFor({ eventId: row?.eventId ?? "", repository: "shop", tag: "latest", digest }),
      hookToken,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ events: 1, pushes: 1, duplicates: 1, deployments: [] });
    for (const app of OPTED_IN) expect(await deploymentsOf(app)).toHaveLength(1);
  });

  it("deploys once when two identical notifications arrive at the same moment", async () => {
    // A push of the same digest under `canary`, as the registry would report it, sent twice at once.
    const envelope = envelopeFor({ eventId: "canary-event-1", repository: "shop", tag: "canary", digest });
    const answers = await Promise.all([notify(envelope, hookToken), notify(envelope, hookToken)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const started = answers.flatMap((a) => a.body.deployments as { app: string }[]);
    expect(started.map((d) => d.app)).toEqual(["shop-canary"]);
    expect(answers.map((a) => a.body.duplicates).sort()).toEqual([0, 1]);
    const [only, ...more] = await deploymentsOf("shop-canary");
    expect(more).toEqual([]);
    expect((await waitForDeployment(rest, only?.id ?? "", 90_000)).status).toBe("Live");
    expect(await deploymentsOf("shop-manual")).toEqual([]);
  }, 120_000);

  it("refuses a notification without the hook token or with a wrong one, and audits it", async () => {
    const envelope = envelopeFor({ eventId: "forged-1", repository: "shop", tag: "latest", digest });
    const before = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "Deployment"`);

    const anonymous = await notify(envelope);
    expect(anonymous.status).toBe(401);
    expect(JSON.stringify(anonymous.body)).toMatch(/need Authorization: Bearer <hook token>/);
    const wrong = await notify(envelope, `whr_${"x".repeat(43)}`);
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).toMatch(/not valid/);
    // An API key is not a hook token either.
    expect((await notify(envelope, rest.token)).status).toBe(401);

    const after = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "Deployment"`);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
    const pushes = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "RegistryPush" WHERE "eventId" = 'forged-1'`,
    );
    expect(Number(pushes[0]?.n)).toBe(0);
    // The first refusal from this address is written at once; repeats are counted (refusal tally).
    const refused = await sql<{ details: string; outcome: string }>(
      portal.databaseUrl,
      `SELECT details, outcome FROM "AuditEvent" WHERE action = 'hooks.registry.push'`,
    );
    expect(refused).toHaveLength(1);
    expect(refused[0]?.outcome).toBe("denied");
    expect(JSON.parse(refused[0]?.details ?? "{}")).toMatchObject({ reason: "no_token" });
  });

  it("refuses what is not a registry envelope, and a body over the cap", async () => {
    const odd = await notify({ hello: "world" }, hookToken);
    expect(odd.status).toBe(400);
    const huge = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": EVENTS_TYPE, authorization: `Bearer ${hookToken}` },
      body: JSON.stringify({ events: [], padding: "x".repeat(1_100_000) }),
    });
    expect(huge.status).toBe(413);
    // Events that are not manifest pushes by tag (a blob push, a pull) are accepted and do nothing.
    const blob = envelopeFor({ eventId: "blob-1", repository: "shop", tag: "latest", digest });
    const [event] = blob.events;
    if (!event) throw new Error("no event");
    const { tag: _tag, ...untagged } = event.target;
    const ignored = await notify(
      {
        events: [
          { ...event, target: { ...untagged, mediaType: "application/octet-stream" } },
          { ...event, id: "pull-1", action: "pull" },
        ],
      },
      hookToken,
    );
    expect(ignored.status).toBe(200);
    expect(ignored.body).toMatchObject({ events: 2, pushes: 0, deployments: [] });
  });

  it("rotating the token refuses the old one; revoking refuses all", async () => {
    const rotated = await rest.call<{ token: string; rotated: boolean }>("POST", "/hooks/registry/token", {});
    expect(rotated.body.rotated).toBe(true);
    const envelope = { events: [] };
    expect((await notify(envelope, hookToken)).status).toBe(401);
    expect((await notify(envelope, rotated.body.token)).status).toBe(200);
    const read = await rest.call<{ token: { prefix: string } | null }>("GET", "/hooks/registry/token");
    expect(rotated.body.token.startsWith(read.body.token?.prefix ?? "?")).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain(rotated.body.token);
    expect((await rest.call("DELETE", "/hooks/registry/token")).status).toBe(200);
    expect((await notify(envelope, rotated.body.token)).status).toBe(401);
    expect((await rest.call<{ token: null }>("GET", "/hooks/registry/token")).body.token).toBeNull();

    const audited = await sql<{ action: string; details: string }>(
      portal.databaseUrl,
      `SELECT action, details FROM "AuditEvent" WHERE action LIKE 'hooks.token.%' ORDER BY id`,
    );
    expect(audited.map((e) => e.action)).toEqual(["hooks.token.create", "hooks.token.create", "hooks.token.revoke"]);
    for (const event of audited) {
      expect(event.details).not.toContain(hookToken);
      expect(event.details).not.toContain(rotated.body.token);
    }
  });
});

describe("image status (pushed but not deployed)", () => {
  it("shows the push, the live digest and the registry's answer for an opted-in app", async () => {
    const status = await rest.call<ImageStatus>("GET", "/apps/shop-a/image-status?registry=ask");
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body).toMatchObject({
      repository: `${registry.host}/shop`,
      tag: "latest",
      autoDeploy: true,
      pullPolicy: "always",
      lastPush: { digest, deployments: 2 },
      live: { releaseNumber: 1, digest },
      registry: { digest, error: null, hostName: "push-host" },
    });
    expect(status.body.verdict).toMatch(/^The live release #1 runs the registry's latest for .*shop:latest/);
  });

  it("says a pushed digest is not live on an app with auto-deploy off", async () => {
    const status = await rest.call<ImageStatus>("GET", "/apps/shop-manual/image-status");
    expect(status.body).toMatchObject({ autoDeploy: false, live: null, lastPush: { digest }, registry: null });
    expect(status.body.verdict).toContain(
      `The last push for ${registry.host}/shop:latest is sha256:${digest.slice(7, 19)}… but nothing is live.`,
    );
    expect(status.body.verdict).toContain("Auto-deploy is off");
  });

  it("says why the registry could not be asked when it is down", async () => {
    await registry.pause();
    try {
      const status = await rest.call<ImageStatus>("GET", "/apps/shop-a/image-status?registry=ask");
      expect(status.status).toBe(200);
      expect(status.body.registry?.digest).toBeNull();
      expect(status.body.registry?.error).toBeTruthy();
      expect(status.body.verdict).toMatch(/The registry could not be asked: /);
    } finally {
      await registry.resume();
    }
  });
  it("deploys a push recorded just before the portal stopped, once it is back", async () => {
    // The portal stopped between recording a push and deploying it: the row is unhandled, and the
    // registry's retry would only count as a duplicate. Written here while the portal is down.
    const [team] = await sql<{ id: string }>(portal.databaseUrl, `SELECT "id" FROM "Team"`);
    const { dataDir, databaseUrl, port } = portal;
    await portal.stop({ keepData: true });
    await sql(
      databaseUrl,
      `INSERT INTO "RegistryPush" ("id", "teamId", "eventId", "repository", "tag", "digest") VALUES ($1, $2, $3, $4, $5, $6)`,
      ["resumed-push", team?.id, "resumed-event", `${registry.host}/shop`, "canary", digest],
    );
    portal = await startPortal({ dataDir, databaseUrl, port });
    const pinned = `${registry.host}/shop@${digest}`;
    const deployment = await waitFor(
      async () => (await deploymentsOf("shop-canary")).find((d) => d.imageRef === pinned),
      { what: `a deployment of ${pinned} for shop-canary after the restart`, timeoutMs: 60_000, until: Boolean },
    );
    expect(deployment?.requestedBy).toBe("registry hook");
    const finished = await waitForDeployment(rest, deployment?.id ?? "");
    expect(finished.status, finished.failureReason ?? "").toBe("Live");
    const [row] = await sql<{ handled: number | boolean }>(
      databaseUrl,
      `SELECT "handledAt" IS NOT NULL AS "handled" FROM "RegistryPush" WHERE "id" = 'resumed-push'`,
    );
    expect(Boolean(row?.handled)).toBe(true);
    expect(await requestWithHost(host.nginxPort, domainOf("shop-canary"))).toMatchObject({
      body: testAppPage("v2"),
    });
  });
});
