// Pull policies against a real registry (Debian's docker-registry on a loopback port), a real portal,
// agent, Docker engine and managed nginx. "CI pushed a new image" is simulated on this one engine:
// v2 is pushed under the tag, then the engine's local copy of the tag is put back to v1, so the host
// holds a stale image exactly as a host does after another machine pushed. Requests go through
// nginx with the app's domain; the docker CLI is the oracle for what the engine holds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment, Release } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import {
  deploymentLog,
  enrolHostWithNginx,
  removeAppContainers,
  type TestHost,
  waitForDeployment,
} from "../support/deployments.ts";
import { buildOwnAppImage, dockerAvailable, removeTestImages, runDocker, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";

const DOMAIN = "shop.registry.test";
const HOST_NAME = "pull-host";
let portal: Portal;
let rest: RestClient;
let host: TestHost;
let registry: TestRegistry;
let home: string;
/** Images of this file's own (own ids), serving the v1 and v2 pages. */
let ownV1: string;
let ownV2: string;
/** 127.0.0.1:PORT/shop:latest */
let shop: string;
let v1Digest: string;
let v2Digest: string;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  [ownV1, ownV2] = await Promise.all([buildOwnAppImage("v1"), buildOwnAppImage("v2")]);
  registry = await startRegistry();
  shop = `${registry.host}/shop:latest`;
  home = mkdtempSync(join(tmpdir(), "wheelhouse-pull-cli-"));
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, HOST_NAME);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
  // Before the images go: stop() untags every name under the registry's host.
  await registry?.stop();
  await removeTestImages();
  if (home) rmSync(home, { recursive: true, force: true });
});

const through = () => requestWithHost(host.nginxPort, DOMAIN);

async function imageId(ref: string): Promise<string> {
  return runDocker(["image", "inspect", "--format", "{{.Id}}", ref]);
}

async function repoDigests(ref: string): Promise<string[]> {
  return JSON.parse(await runDocker(["image", "inspect", "--format", "{{json .RepoDigests}}", ref])) as string[];
}

async function deploy(app: string, body: Record<string, unknown> = {}): Promise<Deployment> {
  const started = await rest.call<{ deployment: Deployment }>("POST", `/apps/${app}/deployments`, body);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return waitForDeployment(rest, started.body.deployment.id);
}

async function release(app: string, number: number | null): Promise<Release> {
  const { body } = await rest.call<{ releases: Release[] }>("GET", `/apps/${app}/releases`);
  const found = body.releases.find((r) => r.number === number);
  if (!found) throw new Error(`${app} has no release ${number}: ${JSON.stringify(body)}`);
  return found;
}

async function setPullPolicy(app: string, pullPolicy: string): Promise<void> {
  const patched = await rest.call("PATCH", `/apps/${app}`, { pullPolicy });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
}

/**
 * The engine's copy of `shop` goes back to v1 while the registry keeps v2: what a host holds after
 * CI pushed v2 from another machine. The v2 image stays (under its own tag), without the shop names.
 */
async function makeLocalTagStale(): Promise<void> {
  if ((await imageId(shop)) === (await imageId(ownV2))) await runDocker(["image", "rm", shop]);
  for (const name of await repoDigests(ownV2)) {
    if (name.startsWith(`${registry.host}/shop@`)) await runDocker(["image", "rm", name]);
  }
  await runDocker(["tag", ownV1, shop]);
  expect(await imageId(shop)).toBe(await imageId(ownV1));
}

describe("pull policy always: the registry is asked about the tag", () => {
  it("deploys v1 from the registry under the default policy, found up to date after its push", async () => {
    v1Digest = await pushImage(ownV1, shop);
    const created = await rest.call<{ app: { pullPolicy: string } }>("POST", "/apps", {
      name: "shop",
      image: shop,
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 15,
      domains: [DOMAIN],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.app.pullPolicy).toBe("always");
    const first = await deploy("shop");
    const log = await deploymentLog(rest, first.id);
    expect(first.status, log).toBe("Live");
    expect(log).toContain(`${HOST_NAME}: ${shop} is up to date with the registry, not pulled (pull policy always)`);
    expect((await release("shop", first.releaseNumber)).imageDigest).toBe(`${registry.host}/shop@${v1Digest}`);
    expect((await through()).body).toBe(testAppPage("v1"));
  });

  it("pulls when :latest moved in the registry, serves the new version and records its digest", async () => {
    v2Digest = await pushImage(ownV2, shop);
    expect(v2Digest).not.toBe(v1Digest);
    await makeLocalTagStale();

    const moved = await deploy("shop");
    const log = await deploymentLog(rest, moved.id);
    expect(moved.status, log).toBe("Live");
    expect(log).toContain(`${HOST_NAME}: pulled ${shop} (pull policy always)`);
    expect((await release("shop", moved.releaseNumber)).imageDigest).toBe(`${registry.host}/shop@${v2Digest}`);
    expect(await imageId(shop)).toBe(await imageId(ownV2));
    expect((await through()).body).toBe(testAppPage("v2"));
  });

  it("does not pull when nothing new was pushed, and says the image is up to date", async () => {
    const again = await deploy("shop");
    const log = await deploymentLog(rest, again.id);
    expect(again.status, log).toBe("Live");
    expect(log).toContain(`${HOST_NAME}: ${shop} is up to date with the registry, not pulled (pull policy always)`);
    expect(log).not.toContain(`pulled ${shop}`);
    expect((await release("shop", again.releaseNumber)).imageDigest).toBe(`${registry.host}/shop@${v2Digest}`);
  });
});

describe("pull policy if-not-present", () => {
  it("keeps the stale local image without asking the registry, and the log says so", async () => {
    await makeLocalTagStale();
    await setPullPolicy("shop", "if-not-present");
    const kept = await deploy("shop");
    const log = await deploymentLog(rest, kept.id);
    expect(kept.status, log).toBe("Live");
    expect(log).toContain(
      `${HOST_NAME}: used ${shop} as found on the host, the registry not asked (pull policy if-not-present)`,
    );
    expect((await through()).body).toBe(testAppPage("v1"));
    // Whatever it records, it is the v1 image that started, not the registry's v2.
    const recorded = (await release("shop", kept.releaseNumber)).imageDigest;
    expect(recorded).not.toContain(v2Digest);
    expect([`${registry.host}/shop@${v1Digest}`, await imageId(ownV1)]).toContain(recorded);
  });
});

describe("a registry that cannot be reached", () => {
  it("fails an always deploy with the engine's words, in REST and the CLI, while the live release serves", async () => {
    await setPullPolicy("shop", "always");
    await registry.pause();
    try {
      const login = await runCli(home, [
        "login",
        "--url",
        portal.url,
        "--email",
        ADMIN.email,
        "--password",
        ADMIN.password,
      ]);
      expect(login.code, login.stderr).toBe(0);
      const cli = await runCli(home, ["deploy", "shop", "--wait"]);
      expect(cli.code, cli.stderr).toBe(1);
      expect(cli.stderr).toContain("connection refused");

      const { body } = await rest.call<{ deployments: Deployment[] }>("GET", "/apps/shop/deployments");
      const failed = body.deployments[0];
      expect(failed?.status).toBe("Failed");
      expect(failed?.failureReason).toContain(`Could not get ${shop} on ${HOST_NAME}`);
      expect(failed?.failureReason).toMatch(
        new RegExp(`dial tcp 127\\.0\\.0\\.1:${registry.port}: connect: connection refused`),
      );
      // The release that was live before still serves, unchanged.
      expect((await through()).body).toBe(testAppPage("v1"));
    } finally {
      await registry.resume();
    }
  });

  it("adds a hint for an image that was never in a registry, and never deploys it as it is", async () => {
    const builtHere = `${registry.host}/built-here:1`;
    await runDocker(["tag", ownV1, builtHere]);
    const created = await rest.call("POST", "/apps", { name: "built-here", image: builtHere, port: 8080 });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await registry.pause();
    try {
      const failed = await deploy("built-here");
      expect(failed.status).toBe("Failed");
      expect(failed.failureReason).toContain("connection refused");
      expect(failed.failureReason).toContain(
        `${builtHere} exists on this host but was never pulled from or pushed to a registry: for an image built on the host, set the app's pull policy to "never" (local images only).`,
      );
    } finally {
      await registry.resume();
    }
    await setPullPolicy("built-here", "never");
    const local = await deploy("built-here");
    const log = await deploymentLog(rest, local.id);
    expect(local.status, log).toBe("Live");
    expect(log).toContain(
      `${HOST_NAME}: used ${builtHere} as found on the host, the registry not asked (pull policy never)`,
    );
  });
});

describe("the digest a release records", () => {
  it("is the image's own repository's, never another repository the same image was pushed to", async () => {
    // ownV1 is in the registry as shop and now also as other; "other" sorts first in the engine's list.
    const otherDigest = await pushImage(ownV1, `${registry.host}/other:v1`);
    const listed = await repoDigests(ownV1);
    expect(listed).toContain(`${registry.host}/other@${otherDigest}`);
    expect(listed[0]).toBe(`${registry.host}/other@${otherDigest}`);

    const created = await rest.call("POST", "/apps", { name: "web", image: ownV1, port: 8080, pullPolicy: "never" });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const deployed = await deploy("web");
    expect(deployed.status, await deploymentLog(rest, deployed.id)).toBe("Live");
    const recorded = (await release("web", deployed.releaseNumber)).imageDigest;
    // A local name has no repository in any registry: the release runs the image id.
    expect(recorded).toBe(await imageId(ownV1));
    expect(recorded).not.toContain("/other@");
  });

  it("redeploys a recorded repo digest: never refuses it while missing, always pulls it, then never finds it", async () => {
    const pulledRelease = (await rest.call<{ releases: Release[] }>("GET", "/apps/shop/releases")).body.releases.find(
      (r) => r.imageDigest === `${registry.host}/shop@${v2Digest}`,
    );
    if (!pulledRelease) throw new Error("no release of shop recorded the v2 digest");
    const pinned = pulledRelease.imageDigest;
    const rollBack = async () => {
      const started = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/rollback", {
        releaseNumber: pulledRelease.number,
      });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const finished = await waitForDeployment(rest, started.body.deployment.id);
      return { finished, log: await deploymentLog(rest, finished.id) };
    };
    // makeLocalTagStale took the v2 digest's name off this engine.
    expect(await repoDigests(ownV2)).not.toContain(pinned);

    await setPullPolicy("shop", "never");
    const refused = await rollBack();
    expect(refused.finished.status, refused.log).toBe("Failed");
    expect(refused.finished.failureReason).toContain(
      `${pinned} is not on this host, and the app's pull policy is "never" (local images only), so it is not pulled`,
    );
    expect((await through()).body).toBe(testAppPage("v1"));

    await setPullPolicy("shop", "always");
    const pulled = await rollBack();
    expect(pulled.finished.status, pulled.log).toBe("Live");
    expect(pulled.log).toContain(`${HOST_NAME}: pulled ${pinned} (pull policy always)`);
    expect((await through()).body).toBe(testAppPage("v2"));

    // A restart runs the live release's recorded digest again: under never it is the one now on the host.
    await setPullPolicy("shop", "never");
    const restarted = await rest.call<{ deployment: Deployment }>("POST", "/apps/shop/restart", { name: "shop" });
    expect(restarted.status, JSON.stringify(restarted.body)).toBe(200);
    const finished = await waitForDeployment(rest, restarted.body.deployment.id);
    const local = { finished, log: await deploymentLog(rest, finished.id) };
    expect(local.finished.status, local.log).toBe("Live");
    expect(local.log).toContain(
      `${HOST_NAME}: used ${pinned} as found on the host, the registry not asked (pull policy never)`,
    );
    expect((await through()).body).toBe(testAppPage("v2"));
  });
});
