// The expiry pass on a real SQLite database: a certificate past its date becomes Expired (an ACME
// one is ordered again, an uploaded one waits), and one within 14 days of expiry is warned about
// once per notAfter, with a signal and its history untouched otherwise. No agent is connected, so
// nginx is not asked (the integration suite covers nginx).

import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { RaisedSignal } from "@wheelhouse/shared";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { NginxSync } from "../deployments/nginx-sync";
import type { PortalEvents } from "../services";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { CertificateExpiryPass, type ExpiryServices } from "./certificate-expiry";

const DAY = 86_400_000;
let scratch: ScratchDatabase;
let db: Db;
const raised: RaisedSignal[] = [];
let services: ExpiryServices;

beforeAll(async () => {
  scratch = await scratchDatabase("cert-expiry");
  db = scratch.db;
  const { agents } = registryWithoutAgents();
  services = {
    db,
    agents,
    events: new EventEmitter<PortalEvents>(),
    logger: pino({ level: "silent" }),
    nginx: new NginxSync(db, agents, createSecretBox(randomBytes(32))),
    config: { publicUrl: "http://portal.test" } as ExpiryServices["config"],
    signals: {
      raise: async (signal: RaisedSignal) => {
        raised.push(signal);
        return { outcome: "ignored" };
      },
    } as unknown as ExpiryServices["signals"],
  };
});

afterAll(async () => {
  await scratch?.dispose();
});

async function certificateFor(source: "acme" | "upload", notAfter: Date) {
  const { team, app } = await teamWithApp(db, { domains: [`${source}-${notAfter.getTime()}.test`] });
  return db.certificate.create({
    data: {
      teamId: team.id,
      appId: app.id,
      domain: app.domains[0] ?? "",
      source,
      status: "Active",
      fullChainPem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----",
      keyPem: "sealed",
      notBefore: new Date(notAfter.getTime() - 90 * DAY),
      notAfter,
    },
  });
}

describe("CertificateExpiryPass", () => {
  it("marks certificates past their date Expired: an ACME one is ordered again, an uploaded one waits", async () => {
    const now = new Date("2026-12-02T12:00:00Z");
    const acme = await certificateFor("acme", new Date(now.getTime() - 1_000));
    const uploaded = await certificateFor("upload", new Date(now.getTime() - 1_000));
    await new CertificateExpiryPass(services, () => now).pass();
    const [acmeAfter, uploadedAfter] = await Promise.all([
      db.certificate.findUniqueOrThrow({ where: { id: acme.id }, include: { events: true } }),
      db.certificate.findUniqueOrThrow({ where: { id: uploaded.id } }),
    ]);
    expect(acmeAfter.status).toBe("Expired");
    expect(acmeAfter.nextAttemptAt).toEqual(now);
    expect(acmeAfter.events.map((event) => event.kind)).toEqual(["expired"]);
    expect(uploadedAfter.status).toBe("Expired");
    expect(uploadedAfter.nextAttemptAt).toBeNull();
  });

  it("warns once per notAfter about a certificate within 14 days of expiry, and not about one further off", async () => {
    const now = new Date("2026-12-02T12:00:00Z");
    const soon = await certificateFor("acme", new Date(now.getTime() + 10 * DAY));
    await certificateFor("acme", new Date(now.getTime() + 20 * DAY));
    raised.length = 0;
    const pass = new CertificateExpiryPass(services, () => now);
    expect((await pass.pass()).warned).toBe(1);
    expect((await pass.pass()).warned).toBe(0);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: "certificate.expiring", appId: soon.appId, reasonClass: soon.domain });
    // Renewed to a new notAfter that is again close (a short-lived certificate): warned again.
    await db.certificate.update({ where: { id: soon.id }, data: { notAfter: new Date(now.getTime() + 9 * DAY) } });
    expect((await pass.pass()).warned).toBe(1);
  });
});
