// Which certificates each host's nginx serves (issue 15): for an app's domains, the certificate that
// holds a key and is valid now, whatever its status says of the next one (a renewal that failed
// leaves the current certificate served until it expires). nginx-sync puts these into the sites.
import { SERVABLE_CERTIFICATE_STATUSES, type SiteCertificate } from "@wheelhouse/shared";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import type { PortalServices } from "../services";

export async function servedCertificates(
  db: Db,
  secrets: SecretBox,
  appId: string,
  domains: readonly string[],
  now: Date,
): Promise<SiteCertificate[]> {
  if (domains.length === 0) return [];
  const rows = await db.certificate.findMany({
    where: {
      appId,
      domain: { in: [...domains] },
      status: statusIn(SERVABLE_CERTIFICATE_STATUSES),
      fullChainPem: { not: null },
      keyPem: { not: null },
      notBefore: { lte: now },
      notAfter: { gt: now },
    },
    orderBy: { domain: "asc" },
    select: { domain: true, fullChainPem: true, keyPem: true },
  });
  return rows.flatMap(({ domain, fullChainPem, keyPem }) =>
    fullChainPem && keyPem ? [{ domain, fullChainPem, keyPem: secrets.open(keyPem) }] : [],
  );
}

/**
 * Gives nginx on each connected host of the app its desired state again, now rather than at the
 * next reconcile (a certificate issued, renewed or expired). A host that refuses is logged; the
 * reconciler applies again when its agent reconnects.
 */
export async function applyAppHosts(
  services: Pick<PortalServices, "db" | "nginx" | "agents" | "logger">,
  appId: string,
  what: string,
): Promise<void> {
  const { db, nginx, agents, logger } = services;
  const hosts = await db.appHost.findMany({ where: { appId }, select: { hostId: true } });
  for (const { hostId } of hosts) {
    if (!agents.isLive(hostId)) continue;
    await nginx
      .apply(hostId)
      .catch((error: unknown) => logger.warn({ err: error, hostId, appId }, `could not give nginx ${what}`));
  }
}
