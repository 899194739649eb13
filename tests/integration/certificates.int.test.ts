// Certificates end to end (issue 15) with every real part: the portal orders from a real ACME
// server (Debian's pebble, its DNS answering 127.0.0.1 for every name), the HTTP-01 answer is served
// by the agent's managed nginx, and `openssl s_client` against that nginx is the oracle: it must see
// the issued chain, valid for the domain, verifying against pebble's root.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateDetail } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { deployTestApp, enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type PebbleServer, startPebble } from "../support/pebble.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { normalSerial, opensslHandshake } from "../support/tls-handshake.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let host: TestHost;
let pebble: PebbleServer;
let rest: RestClient;
let workDir: string;
let rootFile: string;

async function certificate(domain: string): Promise<CertificateDetail> {
  const answer = await rest.call<{ certificate: CertificateDetail }>("GET", `/certificates/${domain}`);
  if (answer.status !== 200) throw new Error(`GET /certificates/${domain}: ${JSON.stringify(answer.body)}`);
  return answer.body.certificate;
}

function waitForStatus(domain: string, done: (found: CertificateDetail) => boolean, what: string) {
  return waitFor(() => certificate(domain), {
    what: `${domain} ${what}`,
    timeoutMs: 60_000,
    intervalMs: 250,
    until: done,
  });
}

/** What openssl sees on the agent's HTTPS port for this name: the verify result and the leaf's serial. */
async function sClient(domain: string): Promise<{ verified: boolean; serial: string; output: string }> {
  const seen = await opensslHandshake({ port: host.httpsPort, servername: domain, caFile: rootFile });
  return { verified: seen.verified, serial: seen.serials[0] ?? "", output: seen.output };
}

/** GET https://DOMAIN/ through the agent's nginx, trusting only pebble's root. */
function httpsGet(domain: string, root: string): Promise<{ status: number; body: string; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: "127.0.0.1",
        port: host.httpsPort,
        servername: domain,
        headers: { host: domain },
        ca: root,
        agent: false,
        timeout: 10_000,
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            hsts: response.headers["strict-transport-security"] as string | undefined,
          }),
        );
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("no answer within 10 s")));
    outgoing.on("error", reject);
    outgoing.end();
  });
}

let root = "";

function serialOf(found: CertificateDetail): string {
  return normalSerial(found.serial ?? "");
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  workDir = mkdtempSync(join(tmpdir(), "wheelhouse-test-certs-"));
  await ensureTestAppImage("v1");
  portal = await startPortal({ env: { CERT_RETRY_INITIAL_SECONDS: "2" } });
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "tls-host");
  pebble = await startPebble({ httpPort: host.nginxPort });
  root = await pebble.rootPem();
  rootFile = join(workDir, "pebble-root.pem");
  writeFileSync(rootFile, root);
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  const saved = await rest.call("PUT", "/acme-settings", {
    directoryUrl: pebble.directoryUrl,
    caBundlePem: pebble.caBundlePem,
    email: "ops@example.com",
  });
  if (saved.status !== 200) throw new Error(`could not save the ACME settings: ${JSON.stringify(saved.body)}`);
  await deployTestApp(rest, "tls-shop", host.id, { domains: ["shop.test"] });
}, 180_000);

afterAll(async () => {
  await removeAppContainers();
  await host?.tearDown();
  await pebble?.stop();
  await portal?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("certificates from a real ACME server", () => {
  it("issues a certificate for an app's domain: Pending, then Active, served by nginx and verified by openssl", async () => {
    const asked = await rest.call<{ certificate: CertificateDetail }>("POST", "/certificates/shop.test/issue", {});
    expect(asked.status).toBe(200);
    expect(asked.body.certificate.status).toBe("Pending");
    const active = await waitForStatus("shop.test", (found) => found.status === "Active", "to be Active");
    expect(active.names).toEqual(["shop.test"]);
    expect(active.chain.length).toBeGreaterThanOrEqual(2);
    expect(active.issuer).toMatch(/Pebble/i);
    expect(Date.parse(active.notAfter ?? "")).toBeGreaterThan(Date.now());
    expect(active.events.map((event) => event.kind).reverse()).toEqual(
      expect.arrayContaining(["requested", "order-started", "issued"]),
    );

    const seen = await waitFor(() => sClient("shop.test"), {
      what: "nginx to serve the issued certificate",
      timeoutMs: 20_000,
      until: (result) => result.verified,
    });
    expect(seen.serial).toBe(serialOf(active));
    const answer = await httpsGet("shop.test", root);
    expect(answer.status).toBe(200);
  });

  it("redirects HTTP to HTTPS and sends HSTS when switched on, and still answers the ACME challenge path", async () => {
    const changed = await rest.call("PATCH", "/apps/tls-shop", { httpsRedirect: true, hsts: true });
    expect(changed.status).toBe(200);
    const redirected = await waitFor(() => requestWithHost(host.nginxPort, "shop.test"), {
      what: "HTTP to redirect",
      timeoutMs: 10_000,
      until: (found) => found.status === 301,
    });
    expect(redirected.headers.location).toBe(`https://shop.test:${host.httpsPort}/`);
    const challenge = await requestWithHost(host.nginxPort, "shop.test", {
      path: "/.well-known/acme-challenge/none-here",
    });
    expect(challenge.status).toBe(404);
    expect((await httpsGet("shop.test", root)).hsts).toMatch(/max-age=\d+/);
  });

  it("renews on request, and the new certificate is served with no failed request under a constant load", async () => {
    const before = await certificate("shop.test");
    const failures: string[] = [];
    let requests = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        try {
          const answer = await httpsGet("shop.test", root);
          if (answer.status !== 200) failures.push(`status ${answer.status}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
        requests += 1;
      }
    })();
    const renewed = await rest.call<{ certificate: CertificateDetail }>("POST", "/certificates/shop.test/renew", {});
    expect(renewed.status).toBe(200);
    expect(renewed.body.certificate.status).toBe("Renewing");
    const after = await waitForStatus(
      "shop.test",
      (found) => found.status === "Active" && found.serial !== before.serial,
      "to be renewed",
    );
    const served = await waitFor(() => sClient("shop.test"), {
      what: "nginx to serve the renewed certificate",
      timeoutMs: 20_000,
      until: (result) => result.verified && result.serial === serialOf(after),
    });
    loading = false;
    await load;
    expect(after.events.map((event) => event.kind)).toContain("renewed");
    expect(served.verified).toBe(true);
    expect(requests).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  it("fails with the ACME problem verbatim when the CA cannot validate, backs off between retries, and breaks nothing else", async () => {
    await deployTestApp(rest, "tls-broken", host.id, { domains: ["broken.test"] });
    await pebble.failValidationFor("broken.test");
    await rest.call("POST", "/certificates/broken.test/issue", {});
    const failed = await waitForStatus("broken.test", (found) => found.status === "Failed", "to fail");
    expect(failed.error?.type).toMatch(/^urn:ietf:params:acme:error:/);
    expect(failed.error?.detail).not.toBe("");
    expect(failed.failures).toBe(1);
    const firstRetry = Date.parse(failed.nextAttemptAt ?? "") - Date.parse(failed.updatedAt);
    expect(firstRetry).toBeGreaterThanOrEqual(1_500);
    const again = await waitForStatus("broken.test", (found) => found.failures >= 2, "to fail again");
    const secondRetry = Date.parse(again.nextAttemptAt ?? "") - Date.parse(again.updatedAt);
    expect(secondRetry).toBeGreaterThan(firstRetry);
    expect(again.events.filter((event) => event.kind === "failed").length).toBeGreaterThanOrEqual(2);
    // The signal reached the incident intake.
    const signals = await rest.call<{ signals: { kind: string; summary: string }[] }>("GET", "/signals");
    expect(
      signals.body.signals.some(
        (signal) => signal.kind === "certificate.failed" && signal.summary.includes("broken.test"),
      ),
    ).toBe(true);
    // The other domain keeps its certificate.
    expect((await httpsGet("shop.test", root)).status).toBe(200);
  });
});
