// A certificate's history rows and the change hints that follow each write (issue 15).
import type { Db } from "../db/client";
import type { PortalServices } from "../services";

export const CERTIFICATE_EVENT_KINDS = [
  "requested",
  "order-started",
  "renewal-started",
  "issued",
  "renewed",
  "failed",
  /** An order cut short by a portal shutdown: due again at once, not a failure. */
  "interrupted",
  "uploaded",
  "expired",
] as const;
export type CertificateEventKind = (typeof CERTIFICATE_EVENT_KINDS)[number];

export async function recordCertificateEvent(
  db: Db,
  certificateId: string,
  kind: CertificateEventKind,
  details: Record<string, unknown>,
): Promise<void> {
  await db.certificateEvent.create({ data: { certificateId, kind, details: JSON.stringify(details) } });
}

/** Browsers of the team refresh their certificate views. */
export function certificateChanged(
  services: Pick<PortalServices, "events">,
  teamId: string,
  certificateId: string,
): void {
  services.events.emit("certificateChanged", teamId, certificateId);
}
