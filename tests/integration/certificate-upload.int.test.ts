// Uploaded certificates end to end (issue 15), without an ACME server: a root, an intermediate and
// leaves for an app's domain made by the real openssl, uploaded over REST and through the CLI's own
// process, served by the agent's managed nginx. `openssl s_client` against that nginx is the oracle:
// it must see the uploaded chain and verify it against the root. A key of another certificate, a
// missing intermediate, a certificate for another name and an expired one are each refused (400)
// with their own sentence, and change nothing: the row, its history and what nginx serves.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CertificateDetail } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Issued, OpensslPki } from "../../apps/web/src/server/testing/openssl-pki.ts";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { deployTestApp, enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage } from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { normalSerial, opensslHandshake } from "../support/tls-handshake.ts";
import { waitFor } from "../support/wait-for.ts";

const DOMAIN = "shop.test";

let portal: Portal;
let viewer: RestClient;
let host: TestHost;
let rest: RestClient;
let pki: OpensslPki;
let home: string;
let root: Issued;
let intermediate: Issued;
let leaf: Issued;

async function certificate(domain: string): Promise<CertificateDetail> {
  const answer = await rest.call<{ certificate: CertificateDetail }>("GET", `/certificates/${domain}`);
  if (answer.status !== 200) throw new Error(`GET /certificates/${domain}: ${JSON.stringify(answer.body)}`);
  return answer.body.certificate;
}

function upload(fields: { certificatePem?: string; keyPem?: string; chainPem?: string | null; domain?: string }) {
  return rest.call<{ certificate: CertificateDetail }>("POST", `/certificates/${fields.domain ?? DOMAIN}/upload`, {
    domain: fields.domain ?? DOMAIN,
    certificatePem: fields.certificatePem ?? leaf.certPem,
    keyPem: fields.keyPem ?? leaf.keyPem,
    chainPem: fields.chainPem === undefined ? intermediate.certPem : fields.chainPem,
    trustedRootPem: root.certPem,
  });
}

const serialOf = (pem: string) => normalSerial(new X509Certificate(pem).serialNumber);

/** What openssl sees on the agent's HTTPS port for this name: verified against the root, the served chain. */
function sClient(domain: string) {
  return opensslHandshake({ port: host.httpsPort, servername: domain, caFile: root.certFile });
}

function servedBy(issued: Issued) {
  return waitFor(() => sClient(DOMAIN), {
    what: `nginx to serve ${issued.name} (${serialOf(issued.certPem)})`,
    timeoutMs: 20_000,
    until: (seen) => seen.verified && seen.serials[0] === serialOf(issued.certPem),
  });
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  pki = new OpensslPki();
  home = mkdtempSync(join(tmpdir(), "wheelhouse-test-upload-home-"));
  ({ root, intermediate, leaf } = await pki.chain([DOMAIN], "Upload"));
  await ensureTestAppImage("v1");
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "upload-host");
  rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  const VIEWER = { email: "vera@example.com", name: "Vera", password: "viewer-password-1", role: "viewer" };
  const created = await admin.mutate("users.create", VIEWER);
  if (created.status !== 200) throw new Error(`could not create the viewer: ${JSON.stringify(created.error)}`);
  viewer = await apiKeyFor(portal.url, VIEWER.email, VIEWER.password);
  await deployTestApp(rest, "upload-shop", host.id, { domains: [DOMAIN] });
}, 180_000);

afterAll(async () => {
  pki?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
  await removeAppContainers();
  await host?.tearDown();
  await portal?.stop();
});

/** Every uploaded certificate's row and history as the API shows them, and what the database holds of its key. */
async function snapshot() {
  const [row] = await sql<{ keyPem: string; updatedAt: unknown }>(
    portal.databaseUrl,
    `SELECT "keyPem", "updatedAt" FROM "Certificate" WHERE domain = $1`,
    [DOMAIN],
  );
  return { api: await certificate(DOMAIN), row };
}

async function auditOf(outcome: string): Promise<Record<string, unknown>[]> {
  const rows = await sql<{ details: string }>(
    portal.databaseUrl,
    `SELECT details FROM "AuditEvent" WHERE action = 'certificates.upload' AND outcome = $1 ORDER BY id`,
    [outcome],
  );
  return rows.map((row) => JSON.parse(row.details) as Record<string, unknown>);
}

describe("uploaded certificates served by the agent's nginx", () => {
  it("accepts a good bundle: Active at once, served with its intermediate and verified by openssl against the root", async () => {
    const answer = await upload({});
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const uploaded = answer.body.certificate;
    expect(uploaded).toMatchObject({
      domain: DOMAIN,
      source: "upload",
      status: "Active",
      issuer: "CN=Upload Intermediate CA",
      names: [DOMAIN],
      renewAt: null,
      nextAttemptAt: null,
      error: null,
      failures: 0,
    });
    expect(normalSerial(uploaded.serial ?? "")).toBe(serialOf(leaf.certPem));
    expect(uploaded.chain.map((entry) => entry.subject)).toEqual(["CN=shop.test", "CN=Upload Intermediate CA"]);
    expect(uploaded.events.map((event) => event.kind)).toEqual(["uploaded"]);
    expect(uploaded.events[0]?.details).toMatchObject({ by: ADMIN.email, issuer: "CN=Upload Intermediate CA" });

    const seen = await servedBy(leaf);
    // The leaf and the intermediate; clients hold the root themselves.
    expect(seen.serials).toEqual([serialOf(leaf.certPem), serialOf(intermediate.certPem)]);

    const { row } = await snapshot();
    expect(row?.keyPem).not.toContain("PRIVATE KEY");
    const [audited] = await auditOf("success");
    expect(audited).toEqual({
      domain: DOMAIN,
      app: "upload-shop",
      issuer: "CN=Upload Intermediate CA",
      notAfter: uploaded.notAfter,
    });
  });

  const refusals: [string, () => Promise<Parameters<typeof upload>[0]>, string][] = [
    [
      "a key of another certificate",
      async () => ({
        keyPem: (await pki.issue({ commonName: "other", names: ["other.test"], issuer: intermediate })).keyPem,
      }),
      "The key does not belong to the certificate (its public key is not the certificate's): upload the key the certificate was issued for.",
    ],
    [
      "a missing intermediate",
      async () => ({ chainPem: null }),
      'The chain is incomplete: the intermediate certificate "CN=Upload Intermediate CA" that issued the certificate is missing. Add it to the chain (your CA sends it, often as chain.pem or ca-bundle.crt).',
    ],
    [
      "a certificate for another name",
      async () => {
        const other = await pki.issue({ commonName: "www.shop.test", names: ["www.shop.test"], issuer: intermediate });
        return { certificatePem: other.certPem, keyPem: other.keyPem };
      },
      "The certificate does not cover shop.test: it covers www.shop.test. Upload a certificate issued for shop.test.",
    ],
    [
      "an expired certificate",
      async () => {
        const expired = await pki.issue({
          commonName: DOMAIN,
          names: [DOMAIN],
          issuer: intermediate,
          notBefore: new Date("2024-01-01T00:00:00Z"),
          notAfter: new Date("2024-04-01T12:00:00Z"),
        });
        return { certificatePem: expired.certPem, keyPem: expired.keyPem };
      },
      "The certificate expired on 2024-04-01 12:00:00 UTC: renew it with its CA and upload the new one.",
    ],
  ];

  it.each(refusals)("refuses %s with its own sentence (400) and changes nothing", async (_case, fields, sentence) => {
    const before = await snapshot();
    const failuresBefore = (await auditOf("failure")).length;
    const answer = await upload(await fields());
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(sentence);
    expect(await snapshot()).toEqual(before);
    const seen = await sClient(DOMAIN);
    expect(seen.verified, seen.output).toBe(true);
    expect(seen.serials[0]).toBe(serialOf(leaf.certPem));
    // Audited as a failure with the sentence, and never the PEM texts.
    const failures = await auditOf("failure");
    expect(failures).toHaveLength(failuresBefore + 1);
    expect(failures.at(-1)?.error).toBe(sentence);
    expect(JSON.stringify(failures)).not.toContain("-----BEGIN");
  });

  it("refuses a viewer (403, audited as denied) before looking at the bundle", async () => {
    const before = await snapshot();
    const answer = await viewer.call("POST", `/certificates/${DOMAIN}/upload`, {
      domain: DOMAIN,
      certificatePem: leaf.certPem,
      keyPem: leaf.keyPem,
      chainPem: intermediate.certPem,
      trustedRootPem: root.certPem,
    });
    expect(answer.status).toBe(403);
    expect(await snapshot()).toEqual(before);
    const denied = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE outcome = 'denied' AND action = 'certificates.manage' AND "actorEmail" = $1`,
      ["vera@example.com"],
    );
    expect(Number(denied[0]?.n)).toBe(1);
  });

  it("uploads a successor through the CLI's own process, and nginx serves it at once", async () => {
    const successor = await pki.issue({ commonName: DOMAIN, names: [DOMAIN], issuer: intermediate });
    const env = { WHEELHOUSE_URL: portal.url, WHEELHOUSE_TOKEN: rest.token ?? "" };
    const files = {
      cert: successor.certFile,
      key: successor.keyFile,
      chain: intermediate.certFile,
      root: root.certFile,
    };
    const refused = await runCli(
      home,
      [
        "certs",
        "upload",
        DOMAIN,
        "--cert",
        files.cert,
        "--key",
        leaf.keyFile,
        "--chain",
        files.chain,
        "--root",
        files.root,
      ],
      env,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "wheelhouse: The key does not belong to the certificate (its public key is not the certificate's): upload the key the certificate was issued for.\n",
    );

    const result = await runCli(
      home,
      [
        "certs",
        "upload",
        DOMAIN,
        "--cert",
        files.cert,
        "--key",
        files.key,
        "--chain",
        files.chain,
        "--root",
        files.root,
      ],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^shop\.test {2}Active\n/);
    expect(result.stdout).toContain("Source:      uploaded\n");
    expect(result.stdout).toContain(
      `Serial:      ${new X509Certificate(successor.certPem).serialNumber.toLowerCase()}\n`,
    );
    const seen = await servedBy(successor);
    expect(seen.serials).toHaveLength(2);
    const after = await certificate(DOMAIN);
    expect(after.events.map((event) => event.kind)).toEqual(["uploaded", "uploaded"]);
  });

  it("takes PEM texts near their bounds, over the REST adapter's default body limit of 100 kB", async () => {
    // Text around the blocks, as openssl's "Bag Attributes" and "subject=" lines are, is ignored.
    const note = `# ${"padding ".repeat(7_000)}\n`;
    const answer = await upload({
      certificatePem: `${note}${leaf.certPem}`,
      chainPem: `${note}${intermediate.certPem}`,
    });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(normalSerial(answer.body.certificate.serial ?? "")).toBe(serialOf(leaf.certPem));
    await servedBy(leaf);
  });

  it("serves an uploaded wildcard certificate for any name under a wildcard domain, and reads it back", async () => {
    const WILDCARD = "*.wild.test";
    await deployTestApp(rest, "upload-wild", host.id, { domains: [WILDCARD] });
    const wild = await pki.issue({ commonName: WILDCARD, names: [WILDCARD], issuer: intermediate });
    const answer = await upload({ domain: WILDCARD, certificatePem: wild.certPem, keyPem: wild.keyPem });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    // Ordering one is refused (HTTP-01 cannot prove a wildcard), reading the uploaded one is not.
    const read = await certificate(WILDCARD);
    expect(read).toMatchObject({ domain: WILDCARD, source: "upload", status: "Active", names: [WILDCARD] });
    const seen = await waitFor(() => sClient("api.wild.test"), {
      what: "nginx to serve the wildcard certificate for api.wild.test",
      timeoutMs: 20_000,
      until: (result) => result.verified && result.serials[0] === serialOf(wild.certPem),
    });
    expect(seen.serials).toEqual([serialOf(wild.certPem), serialOf(intermediate.certPem)]);
    // The other app's own name keeps its own certificate.
    expect((await sClient(DOMAIN)).serials[0]).not.toBe(serialOf(wild.certPem));
  });
});
