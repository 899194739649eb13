// The expiry pass (issue 15): once a minute, certificates past their notAfter become Expired (nginx
// stops serving them; an ACME one keeps being ordered), and a certificate within 14 days of expiry
// raises its warning once for that notAfter. The worker's renewals normally come long before either.
import { SERVABLE_CERTIFICATE_STATUSES } from "@wheelhouse/shared";
import { statusIn } from "../db/status-filter";
import { PeriodicPass } from "../scheduling/periodic-pass";
import type { PortalServices } from "../services";
import { certificateChanged, recordCertificateEvent } from "./certificate-events";
import { certificateExpiringNotice } from "./certificate-notices";
import { EXPIRY_WARNING_MS } from "./certificate-schedule";
import { applyAppHosts } from "./served-certificates";

export const EXPIRY_PASS_INTERVAL_MS = 60_000;

export type ExpiryServices = Pick<
  PortalServices,
  "db" | "events" | "logger" | "signals" | "config" | "nginx" | "agents"
>;

export class CertificateExpiryPass {
  private readonly periodic: PeriodicPass;

  constructor(
    private readonly services: ExpiryServices,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.periodic = new PeriodicPass(() => this.pass(), "check certificate expiry", services.logger);
  }

  start(intervalMs = EXPIRY_PASS_INTERVAL_MS): void {
    this.periodic.start(intervalMs);
    // The first look at start-up: a portal down for a while catches up at once.
    this.pass().catch((error: unknown) =>
      this.services.logger.error({ err: error }, "could not check certificate expiry"),
    );
  }

  stop(): void {
    this.periodic.stop();
  }

  /** One pass; returns what it did, for tests. */
  async pass(): Promise<{ expired: number; warned: number }> {
    const { db } = this.services;
    const now = this.clock();
    const expiredRows = await db.certificate.findMany({
      where: { status: statusIn(SERVABLE_CERTIFICATE_STATUSES), notAfter: { lte: now } },
      select: { id: true, teamId: true, appId: true, domain: true, source: true, nextAttemptAt: true, notAfter: true },
    });
    for (const row of expiredRows) {
      await db.certificate.update({
        where: { id: row.id },
        data: {
          status: "Expired",
          // An ACME certificate is ordered again; an uploaded one waits for a new upload.
          nextAttemptAt: row.source === "acme" ? (row.nextAttemptAt ?? now) : null,
        },
      });
      await recordCertificateEvent(db, row.id, "expired", { notAfter: row.notAfter?.toISOString() ?? null });
      certificateChanged(this.services, row.teamId, row.id);
      await applyAppHosts(this.services, row.appId, "an expired certificate's removal");
    }
    const warnBefore = new Date(now.getTime() + EXPIRY_WARNING_MS);
    const expiring = await db.certificate.findMany({
      where: { status: statusIn(SERVABLE_CERTIFICATE_STATUSES), notAfter: { gt: now, lte: warnBefore } },
      select: { id: true, teamId: true, appId: true, domain: true, notAfter: true, expiryWarnedFor: true },
    });
    let warned = 0;
    for (const row of expiring) {
      if (!row.notAfter || row.expiryWarnedFor?.getTime() === row.notAfter.getTime()) continue;
      // Claimed first: of two portals, only the one whose update matched warns.
      const { count } = await db.certificate.updateMany({
        where: {
          id: row.id,
          notAfter: row.notAfter,
          OR: [{ expiryWarnedFor: null }, { expiryWarnedFor: { not: row.notAfter } }],
        },
        data: { expiryWarnedFor: row.notAfter },
      });
      if (count !== 1) continue;
      await certificateExpiringNotice(this.services, row, row.notAfter);
      warned += 1;
    }
    return { expired: expiredRows.length, warned };
  }
}
