// Asking for a certificate and renewing one (issue 15). Both only write the row and wake the
// worker (certificate-worker.ts), which orders in the background: the request answers at once with
// the certificate Pending or Renewing, and `--wait` or the page follows it.
import type { CertificateDetail } from "@wheelhouse/shared";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { appServing, certificateOfTeam } from "./certificate-apps";
import { certificateChanged, recordCertificateEvent } from "./certificate-events";
import { getCertificate } from "./certificate-reads";

type RequestServices = Pick<PortalServices, "db" | "events">;

function wake(services: RequestServices, teamId: string, certificateId: string): void {
  services.events.emit("certificatesQueued");
  certificateChanged(services, teamId, certificateId);
}

/**
 * Asks for a certificate from the ACME directory for a domain of an app. One that exists already
 * is renewed instead (an order runs either way); one being ordered right now is left to finish.
 */
export async function requestCertificate(
  services: RequestServices,
  teamId: string,
  domain: string,
  by: string,
): Promise<{ certificate: CertificateDetail; created: boolean }> {
  const { db } = services;
  const app = await appServing(db, teamId, domain);
  const now = new Date();
  const existing = await certificateOfTeam(db, teamId, domain, now);
  if (existing) return { certificate: await renewCertificate(services, teamId, domain, by), created: false };
  const row = await db.certificate.create({
    data: { teamId, appId: app.id, domain, source: "acme", status: "Pending", nextAttemptAt: now },
  });
  await recordCertificateEvent(db, row.id, "requested", { by });
  wake(services, teamId, row.id);
  return { certificate: await getCertificate(db, teamId, domain), created: true };
}

/**
 * Orders the domain's certificate again now (Renewing while a served one remains; Pending when none
 * was ever issued). An uploaded certificate is replaced by ordering one from the directory.
 */
export async function renewCertificate(
  services: RequestServices,
  teamId: string,
  domain: string,
  by: string,
): Promise<CertificateDetail> {
  const { db } = services;
  const app = await appServing(db, teamId, domain);
  const row = await db.certificate.findFirst({ where: { teamId, domain } });
  if (!row) throw new AppError("NOT_FOUND", `There is no certificate for ${domain} yet: issue one first.`);
  const now = new Date();
  if (row.lockedUntil && row.lockedUntil > now) {
    throw new AppError("CONFLICT", `The certificate for ${domain} is being ordered right now; wait for it to finish.`);
  }
  const served = row.fullChainPem !== null && row.notAfter !== null && row.notAfter > now;
  // Only if nobody claimed it meanwhile: a claim sets the lease, and a claimed row is left alone.
  const { count } = await db.certificate.updateMany({
    where: { id: row.id, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    data: {
      appId: app.id,
      source: "acme",
      status: served ? "Renewing" : "Pending",
      nextAttemptAt: now,
      failures: 0,
    },
  });
  if (count === 0) {
    throw new AppError("CONFLICT", `The certificate for ${domain} is being ordered right now; wait for it to finish.`);
  }
  await recordCertificateEvent(db, row.id, "requested", { by, renewal: true });
  wake(services, teamId, row.id);
  return getCertificate(db, teamId, domain);
}
