// What a team is told about its certificates (issue 15): a failed order and a certificate within
// 14 days of expiry each raise an incident signal (the incident rules decide) and a notification
// through the team's webhooks. Neither may fail the caller: both log instead.
import type { SignalKind } from "@wheelhouse/shared";
import { notifySafely } from "../notifications/notify";
import type { PortalServices } from "../services";

export type NoticeServices = Pick<PortalServices, "db" | "events" | "logger" | "signals" | "config">;

interface CertificateFacts {
  id: string;
  teamId: string;
  appId: string;
  domain: string;
}

async function tell(
  services: NoticeServices,
  certificate: CertificateFacts,
  kind: Extract<SignalKind, "certificate.failed" | "certificate.expiring">,
  summary: string,
  data: Record<string, unknown>,
): Promise<void> {
  await services.signals
    .raise({
      teamId: certificate.teamId,
      kind,
      appId: certificate.appId,
      hostId: null,
      // The domain is the stable part: repeats for one domain join the open incident.
      reasonClass: certificate.domain,
      summary,
      details: { domain: certificate.domain, ...data },
    })
    .catch((error: unknown) => services.logger.error({ err: error, kind }, "could not raise a certificate signal"));
  await notifySafely(services, certificate.teamId, {
    type: kind,
    summary,
    path: `/certificates/${encodeURIComponent(certificate.domain)}`,
    data: { certificate: { id: certificate.id, domain: certificate.domain, appId: certificate.appId }, ...data },
  });
}

export function certificateFailedNotice(
  services: NoticeServices,
  certificate: CertificateFacts,
  problem: { type: string; detail: string },
  renewing: boolean,
  nextAttemptAt: Date,
): Promise<void> {
  const verb = renewing ? "renewed" : "issued";
  return tell(
    services,
    certificate,
    "certificate.failed",
    `The certificate for ${certificate.domain} could not be ${verb}: ${problem.detail} (next try ${nextAttemptAt.toISOString()})`,
    { problem, nextAttemptAt: nextAttemptAt.toISOString() },
  );
}

export function certificateExpiringNotice(
  services: NoticeServices,
  certificate: CertificateFacts,
  notAfter: Date,
): Promise<void> {
  const days = Math.max(0, Math.floor((notAfter.getTime() - Date.now()) / 86_400_000));
  return tell(
    services,
    certificate,
    "certificate.expiring",
    `The certificate for ${certificate.domain} expires on ${notAfter.toISOString()} (in ${days} day${days === 1 ? "" : "s"}) and has not been renewed.`,
    { notAfter: notAfter.toISOString() },
  );
}
