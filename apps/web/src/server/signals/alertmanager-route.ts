// POST /api/v1/signals/alertmanager: Prometheus Alertmanager's webhook receiver (body version 4).
// A plain route ahead of the REST adapter, like the registry hook: the caller is a machine holding
// the team's signal token (`Authorization: Bearer whs_…`), not a person's session or API key, and
// Alertmanager retries anything but a 2xx, so a bad body gets a 400 that says why rather than a
// retry loop of 500s. What each alert becomes is alert-signals.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { alertmanagerWebhookSchema } from "@wheelhouse/shared";
import { openHookDoor } from "../hooks/hook-auth";
import { parseJson, readBody, refuse, reply } from "../http/plain-route";
import type { PortalServices } from "../services";
import { receiveAlerts } from "./alert-signals";

export const ALERTMANAGER_PATH = "/api/v1/signals/alertmanager";

/** Alertmanager sends a group's alerts in one body; 1 MiB is thousands of them. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function handleAlertmanager(
  services: PortalServices,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "POST") {
    return refuse(res, 405, "Alertmanager POSTs its webhook notifications here.", { allow: "POST" });
  }
  const caller = await openHookDoor(services, req, res, {
    kind: "signals",
    action: "signals.alertmanager",
    realm: "wheelhouse signals",
    wrongToken:
      "This signal token is not valid (it may have been rotated or revoked). Copy the current one from Settings → Alerts and metrics into the webhook's http_config.authorization.credentials.",
    noToken:
      "Alerts need Authorization: Bearer <signal token>; create the token on Settings → Alerts and metrics and put it in the webhook's http_config.authorization.credentials.",
  });
  if (!caller) return;
  const text = await readBody(req, MAX_BODY_BYTES);
  if (text === null) return refuse(res, 413, `A webhook body is at most ${MAX_BODY_BYTES / 1024} KiB.`);
  const json = parseJson(text);
  if (!json.ok) return refuse(res, 400, "This is not JSON: Alertmanager's webhook sends a JSON body.");
  const body = alertmanagerWebhookSchema.safeParse(json.value);
  if (!body.success) {
    const issue = body.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return refuse(
      res,
      400,
      `This is not an Alertmanager webhook body (version 4)${where}: ${issue?.message ?? "unexpected shape"}.`,
    );
  }
  const alerts = await receiveAlerts(services, caller.teamId, body.data);
  services.logger.info(
    {
      teamId: caller.teamId,
      token: caller.prefix,
      alerts: alerts.length,
      opened: alerts.filter((alert) => alert.outcome === "opened").length,
    },
    "alertmanager notification received",
  );
  reply(res, 200, { alerts });
}
