// An uploaded certificate (issue 15): checked (certificate-upload-checks.ts), stored Active with its
// key sealed, and given to the app's nginx at once. It replaces whatever the domain had, an ACME
// certificate included, unless an order holds the row's lease right now. The worker never orders an
// uploaded one (it claims source "acme" only); the expiry pass still warns 14 days ahead and marks
// it Expired, after which it waits for the next upload (or `certs renew`, which orders one).
import type { CertificateDetail, certificateUploadSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { appServing, certificateOfTeam } from "./certificate-apps";
import { type CertificateEventKind, certificateChanged } from "./certificate-events";
import { getCertificate } from "./certificate-reads";
import { checkUploadedCertificate, type UploadCheckOptions } from "./certificate-upload-checks";
import { applyAppHosts } from "./served-certificates";

export type UploadServices = Pick<PortalServices, "db" | "secrets" | "events" | "nginx" | "agents" | "logger">;

export async function uploadCertificate(
  services: UploadServices,
  teamId: string,
  input: z.output<typeof certificateUploadSchema>,
  by: string,
  checks: Partial<UploadCheckOptions> = {},
): Promise<CertificateDetail> {
  const { db, secrets } = services;
  const { domain } = input;
  const app = await appServing(db, teamId, domain);
  const now = checks.now ?? new Date();
  const checked = checkUploadedCertificate(input, { ...checks, now });
  if (!checked.ok) throw new AppError("BAD_INPUT", checked.refusal);
  const { certificate } = checked;

  const stored = {
    teamId,
    appId: app.id,
    source: "upload",
    status: "Active",
    fullChainPem: certificate.fullChainPem,
    keyPem: secrets.seal(certificate.keyPem),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuer: certificate.issuer,
    serial: certificate.serial,
    // Nobody renews an upload but the person who uploaded it.
    renewAt: null,
    nextAttemptAt: null,
    errorType: null,
    errorDetail: null,
    failures: 0,
    expiryWarnedFor: null,
    lockedUntil: null,
  };
  const id = await db
    .$transaction(async (tx) => {
      const existing = await certificateOfTeam(tx, teamId, domain, now);
      let certificateId: string;
      if (existing) {
        // Only while no order holds the lease: a running order would overwrite the upload when it ends.
        const { count } = await tx.certificate.updateMany({
          where: { id: existing, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
          data: stored,
        });
        if (count === 0) {
          throw new AppError(
            "CONFLICT",
            `The certificate for ${domain} is being ordered from the ACME directory right now: wait for the order to finish, then upload again.`,
          );
        }
        certificateId = existing;
      } else {
        certificateId = (await tx.certificate.create({ data: { domain, ...stored }, select: { id: true } })).id;
      }
      await tx.certificateEvent.create({
        data: {
          certificateId,
          kind: "uploaded" satisfies CertificateEventKind,
          details: JSON.stringify({
            by,
            issuer: certificate.issuer,
            serial: certificate.serial,
            notAfter: certificate.notAfter.toISOString(),
          }),
        },
      });
      return certificateId;
    })
    .catch((error: unknown) => {
      // An issue request created the row between our read and our create.
      if ((error as { code?: string } | null)?.code === "P2002") {
        throw new AppError("CONFLICT", `The certificate for ${domain} was just requested; upload again.`);
      }
      throw error;
    });
  certificateChanged(services, teamId, id);
  await applyAppHosts(services, app.id, "the uploaded certificate");
  return getCertificate(db, teamId, domain);
}
