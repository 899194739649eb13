// METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>`, which is what
// Prometheus sends from a scrape job's `authorization` block. Unset, /metrics stays open.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { clientAddress } from "../http/client-address";
import type { PortalServices } from "../services";

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** True when no token is configured or the request presents it. Compares digests of equal length in constant time, so timing reveals neither the token nor its length. */
export function mayScrapeMetrics(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(token));
}

/** 401 with the challenge Prometheus and curl understand; audited once per address and window. */
export async function refuseMetricsScrape(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ip = clientAddress(req.socket.remoteAddress, req.headers, services.config.trustedProxies);
  const reason = req.headers.authorization ? "wrong_token" : "no_token";
  // Before migrations there is no audit table to write to; the log still says who was refused.
  if (services.readiness.migrationsApplied) {
    await services.refusals.record({ action: "metrics.scrape", outcome: "denied", ip, details: { reason } });
  } else {
    services.logger.warn({ ip, reason }, "metrics scrape refused");
  }
  res.writeHead(401, {
    "content-type": "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "www-authenticate": 'Bearer realm="wheelhouse metrics"',
  });
  res.end("This portal's metrics need Authorization: Bearer <METRICS_TOKEN>.\n");
}
