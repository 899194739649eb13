// uploadCertificate on a real SQLite database with certificates the real openssl makes: it replaces
// a failed ACME certificate by the upload (Active, key sealed, nothing scheduled, errors and warning
// cleared, an "uploaded" event), refuses while an order holds the lease, for a domain of another
// team, and for a bad bundle, each without changing the row. No agent is connected, so nginx is not
// asked (the integration suite covers nginx).
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { NginxSync } from "../deployments/nginx-sync";
import type { PortalEvents } from "../services";
import { type Issued, OpensslPki } from "../testing/openssl-pki";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { type UploadServices, uploadCertificate } from "./certificate-uploads";

const DAY = 86_400_000;
let scratch: ScratchDatabase;
let db: Db;
let services: UploadServices;
let pki: OpensslPki;
let root: Issued;
let intermediate: Issued;
const changed: string[] = [];
const secrets = createSecretBox(randomBytes(32));
const noSystemRoots = { systemRoots: [] };

beforeAll(async () => {
  scratch = await scratchDatabase("cert-upload");
  db = scratch.db;
  pki = new OpensslPki();
  ({ root, intermediate } = await pki.chain(["unused.test"]));
  const { agents } = registryWithoutAgents();
  const events = new EventEmitter<PortalEvents>();
  events.on("certificateChanged", (_teamId, certificateId) => changed.push(certificateId));
  services = {
    db,
    agents,
    events,
    secrets,
    logger: pino({ level: "silent" }),
    nginx: new NginxSync(db, agents, secrets),
  };
});

afterAll(async () => {
  pki?.remove();
  await scratch?.dispose();
});

async function bundleFor(domain: string) {
  const leaf = await pki.issue({ commonName: domain, names: [domain], issuer: intermediate });
  return {
    leaf,
    input: {
      domain,
      certificatePem: leaf.certPem,
      keyPem: leaf.keyPem,
      chainPem: intermediate.certPem,
      trustedRootPem: root.certPem,
    },
  };
}

/** A team's app serving a fresh domain, with a failed ACME certificate for it (as after a CA's refusal). */
async function failedAcmeCertificate(lockedUntil: Date | null = null) {
  const { team, app } = await teamWithApp(db, { domains: [`up-${randomBytes(3).toString("hex")}.test`] });
  const domain = app.domains[0] ?? "";
  const row = await db.certificate.create({
    data: {
      teamId: team.id,
      appId: app.id,
      domain,
      source: "acme",
      status: "Failed",
      errorType: "urn:ietf:params:acme:error:connection",
      errorDetail: "Connection refused",
      failures: 3,
      nextAttemptAt: new Date(Date.now() + DAY),
      renewAt: new Date(Date.now() + DAY),
      expiryWarnedFor: new Date(Date.now() + 5 * DAY),
      lockedUntil,
    },
  });
  return { team, app, domain, row };
}

describe("uploadCertificate", () => {
  it("replaces a failed ACME certificate: Active, key sealed, nothing scheduled for the worker, history kept", async () => {
    const { team, app, domain, row } = await failedAcmeCertificate();
    const { leaf, input } = await bundleFor(domain);
    const answer = await uploadCertificate(services, team.id, input, "ada@example.com", noSystemRoots);
    expect(answer).toMatchObject({ domain, source: "upload", status: "Active", error: null, failures: 0 });

    const stored = await db.certificate.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({
      appId: app.id,
      source: "upload",
      status: "Active",
      renewAt: null,
      nextAttemptAt: null,
      errorType: null,
      errorDetail: null,
      failures: 0,
      expiryWarnedFor: null,
      lockedUntil: null,
      issuer: "CN=Test Intermediate CA",
      serial: new X509Certificate(leaf.certPem).serialNumber.toLowerCase(),
    });
    expect(stored.notAfter).toEqual(new Date(new X509Certificate(leaf.certPem).validTo));
    expect(stored.keyPem).not.toContain("PRIVATE KEY");
    const opened = createPrivateKey(secrets.open(stored.keyPem ?? ""));
    expect(new X509Certificate(leaf.certPem).checkPrivateKey(opened)).toBe(true);
    const events = await db.certificateEvent.findMany({ where: { certificateId: row.id } });
    expect(events.map((event) => event.kind)).toEqual(["uploaded"]);
    expect(JSON.parse(events[0]?.details ?? "{}")).toMatchObject({ by: "ada@example.com" });
    expect(changed).toContain(row.id);
  });

  it("creates the certificate of a domain that had none", async () => {
    const { team, app } = await teamWithApp(db, { domains: ["fresh-upload.test"] });
    const { input } = await bundleFor("fresh-upload.test");
    await uploadCertificate(services, team.id, input, "ada@example.com", noSystemRoots);
    const stored = await db.certificate.findUniqueOrThrow({ where: { domain: "fresh-upload.test" } });
    expect(stored).toMatchObject({ appId: app.id, teamId: team.id, source: "upload", status: "Active" });
  });

  it("refuses while an ACME order holds the lease (CONFLICT), and changes nothing", async () => {
    const { team, domain, row } = await failedAcmeCertificate(new Date(Date.now() + 60_000));
    const { input } = await bundleFor(domain);
    await expect(uploadCertificate(services, team.id, input, "ada@example.com", noSystemRoots)).rejects.toMatchObject({
      code: "CONFLICT",
      message: `The certificate for ${domain} is being ordered from the ACME directory right now: wait for the order to finish, then upload again.`,
    });
    expect(await db.certificate.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
    expect(await db.certificateEvent.count({ where: { certificateId: row.id } })).toBe(0);
  });

  it("refuses a domain no app of the team serves (NOT_FOUND)", async () => {
    const { domain } = await failedAcmeCertificate();
    const { team: otherTeam } = await teamWithApp(db);
    const { input } = await bundleFor(domain);
    await expect(
      uploadCertificate(services, otherTeam.id, input, "eve@example.com", noSystemRoots),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `No app of your team serves ${domain}: add the domain to an app first, then ask for its certificate.`,
    });
  });

  it("refuses a bad bundle with the check's sentence (BAD_INPUT) and creates nothing", async () => {
    const { team } = await teamWithApp(db, { domains: ["bad-upload.test"] });
    const { input } = await bundleFor("bad-upload.test");
    await expect(
      uploadCertificate(services, team.id, { ...input, chainPem: null }, "ada@example.com", noSystemRoots),
    ).rejects.toMatchObject({ code: "BAD_INPUT", message: expect.stringMatching(/^The chain is incomplete/) });
    expect(await db.certificate.count({ where: { domain: "bad-upload.test" } })).toBe(0);
  });
});
