// A certificate is one row per domain across teams. When a domain moves from an app of team B to an
// app of team A (B gave it up, A claimed it), B's row is left behind; team A asking for or uploading
// the domain's certificate must start afresh, never take over B's row and its history (who asked,
// when, which serials), nor be told "issue one first" about a row it cannot see. On a real SQLite
// database with certificates the real openssl makes; no agent is connected, so nginx is not asked.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { NginxSync } from "../deployments/nginx-sync";
import type { PortalEvents } from "../services";
import { type Issued, OpensslPki } from "../testing/openssl-pki";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { getCertificate, listCertificates } from "./certificate-reads";
import { requestCertificate } from "./certificate-requests";
import { type UploadServices, uploadCertificate } from "./certificate-uploads";

let scratch: ScratchDatabase;
let db: Db;
let services: UploadServices;
let pki: OpensslPki;
let root: Issued;
let intermediate: Issued;
const secrets = createSecretBox(randomBytes(32));

beforeAll(async () => {
  scratch = await scratchDatabase("cert-moves");
  db = scratch.db;
  pki = new OpensslPki();
  ({ root, intermediate } = await pki.chain(["unused.test"]));
  const { agents } = registryWithoutAgents();
  services = {
    db,
    agents,
    events: new EventEmitter<PortalEvents>(),
    secrets,
    logger: pino({ level: "silent" }),
    nginx: new NginxSync(db, agents, secrets),
  };
});

afterAll(async () => {
  pki?.remove();
  await scratch?.dispose();
});

/** Team B's certificate (with history by B's member) for a domain that then moves to team A's app. */
async function movedDomain(lockedUntil: Date | null = null) {
  const domain = `moved-${randomBytes(3).toString("hex")}.test`;
  const b = await teamWithApp(db, { domains: [domain] });
  const row = await db.certificate.create({
    data: {
      teamId: b.team.id,
      appId: b.app.id,
      domain,
      source: "acme",
      status: "Failed",
      errorDetail: "Connection refused",
      failures: 2,
      lockedUntil,
      events: { create: { kind: "requested", details: JSON.stringify({ by: "bob@team-b.test" }) } },
    },
  });
  await db.appDomain.delete({ where: { domain } });
  const a = await teamWithApp(db, { domains: [domain] });
  return { domain, a, b, row };
}

describe("a domain that moved to another team", () => {
  it("an upload by the new team makes its own certificate; the old team's row and history are gone", async () => {
    const { domain, a, b, row } = await movedDomain();
    const leaf = await pki.issue({ commonName: domain, names: [domain], issuer: intermediate });
    const input = {
      domain,
      certificatePem: leaf.certPem,
      keyPem: leaf.keyPem,
      chainPem: intermediate.certPem,
      trustedRootPem: root.certPem,
    };
    const answer = await uploadCertificate(services, a.team.id, input, "ada@team-a.test", { systemRoots: [] });

    expect(answer).toMatchObject({ domain, source: "upload", status: "Active", failures: 0 });
    expect(answer.events.map((event) => event.kind)).toEqual(["uploaded"]);
    expect(JSON.stringify(answer)).not.toContain("bob@team-b.test");
    const stored = await db.certificate.findUniqueOrThrow({ where: { domain } });
    expect(stored).toMatchObject({ teamId: a.team.id, appId: a.app.id });
    expect(stored.id).not.toBe(row.id);
    expect(await db.certificateEvent.count({ where: { certificateId: row.id } })).toBe(0);
    expect((await listCertificates(db, b.team.id)).map((c) => c.domain)).not.toContain(domain);
    await expect(getCertificate(db, b.team.id, domain)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a request by the new team creates a Pending certificate of its own instead of 'issue one first'", async () => {
    const { domain, a, row } = await movedDomain();
    const { certificate, created } = await requestCertificate(services, a.team.id, domain, "ada@team-a.test");

    expect(created).toBe(true);
    expect(certificate).toMatchObject({ domain, source: "acme", status: "Pending", failures: 0, error: null });
    expect(certificate.events.map((event) => event.kind)).toEqual(["requested"]);
    expect(JSON.stringify(certificate)).not.toContain("bob@team-b.test");
    const stored = await db.certificate.findUniqueOrThrow({ where: { domain } });
    expect(stored).toMatchObject({ teamId: a.team.id, appId: a.app.id });
    expect(stored.id).not.toBe(row.id);
  });

  it("while an order still holds the old team's row: CONFLICT, and that row is left as it was", async () => {
    const { domain, a, row } = await movedDomain(new Date(Date.now() + 60_000));
    await expect(requestCertificate(services, a.team.id, domain, "ada@team-a.test")).rejects.toMatchObject({
      code: "CONFLICT",
      message: `The certificate for ${domain} is being ordered right now; wait for it to finish.`,
    });
    expect(await db.certificate.findUniqueOrThrow({ where: { domain } })).toEqual(row);
    expect(await db.certificateEvent.count({ where: { certificateId: row.id } })).toBe(1);
  });
});
