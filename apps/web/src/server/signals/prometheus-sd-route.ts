// GET /api/v1/prometheus/targets: Prometheus's HTTP service discovery (`http_sd_configs`) of the
// team's app instances with metrics (prometheus-targets.ts). A plain route ahead of the REST
// adapter: the caller is Prometheus holding the team's discovery token (`Authorization: Bearer
// whp_…`), which reads targets and nothing else, and the answer is the bare JSON array the SD
// format demands, not the REST API's shapes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { openHookDoor } from "../hooks/hook-auth";
import { refuse, reply } from "../http/plain-route";
import type { PortalServices } from "../services";
import { prometheusTargets } from "./prometheus-targets";

export const PROMETHEUS_SD_PATH = "/api/v1/prometheus/targets";

export async function handlePrometheusTargets(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "GET") {
    return refuse(res, 405, "Prometheus's service discovery GETs its targets here.", { allow: "GET" });
  }
  const caller = await openHookDoor(services, req, res, {
    kind: "prometheus",
    action: "signals.prometheus.targets",
    realm: "wheelhouse prometheus",
    wrongToken:
      "This Prometheus discovery token is not valid (it may have been rotated or revoked). Copy the current one from Settings → Alerts and metrics into http_sd_configs' authorization.credentials.",
    noToken:
      "Service discovery needs Authorization: Bearer <discovery token>; create the token on Settings → Alerts and metrics and put it in http_sd_configs' authorization.credentials.",
  });
  if (!caller) return;
  reply(res, 200, await prometheusTargets(services.db, caller.teamId));
}
