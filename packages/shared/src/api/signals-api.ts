// The team's alert and metrics tokens (issue 13): "signals" authenticates Alertmanager's webhook
// (POST /api/v1/signals/alertmanager), "prometheus" Prometheus's HTTP service discovery
// (GET /api/v1/prometheus/targets). Shapes of the `signals` router, of both routes' answers, and the
// configuration blocks Settings offers to paste (the integration test runs the real binaries on
// exactly these blocks). Dates are ISO 8601 strings.
import { z } from "zod";
import { SIGNAL_OUTCOMES } from "../incidents/signals";
import { SEVERITIES } from "../statuses/incident-statuses";
import { hookTokenSchema } from "./hooks-api";

export const SIGNAL_TOKEN_KINDS = ["signals", "prometheus"] as const;
export type SignalTokenKind = (typeof SIGNAL_TOKEN_KINDS)[number];

export const signalTokenKindInputSchema = z.object({ kind: z.enum(SIGNAL_TOKEN_KINDS) }).strict();

const tokenEndpointSchema = z.object({
  /** Where Alertmanager sends, or where Prometheus discovers: PUBLIC_URL + the route. */
  url: z.string(),
  token: hookTokenSchema.nullable(),
});

export const signalTokensSchema = z.object({
  signals: tokenEndpointSchema,
  prometheus: tokenEndpointSchema,
});
export type SignalTokens = z.infer<typeof signalTokensSchema>;

/** The whole token is returned once, when it is created or rotated, and never again. */
export const createdSignalTokenSchema = z.object({
  kind: z.enum(SIGNAL_TOKEN_KINDS),
  url: z.string(),
  token: z.string(),
  hookToken: hookTokenSchema,
  /** True when it replaced an earlier token, which stops working at once. */
  rotated: z.boolean(),
});

// ---- Alertmanager's webhook: the answer ----

export const alertOutcomeSchema = z.object({
  alertname: z.string(),
  state: z.enum(["firing", "resolved"]),
  severity: z.enum(SEVERITIES).nullable(),
  /** The app and host the labels named, as Wheelhouse knows them; null when unnamed or unknown. */
  app: z.string().nullable(),
  host: z.string().nullable(),
  outcome: z.enum(SIGNAL_OUTCOMES),
  signalId: z.string(),
  incidentId: z.string().nullable(),
});
export type AlertOutcome = z.infer<typeof alertOutcomeSchema>;

export const alertmanagerAnswerSchema = z.object({ alerts: z.array(alertOutcomeSchema) });

// ---- Prometheus HTTP service discovery ----

/** One entry of Prometheus's HTTP SD document: addresses to scrape and the labels they get. */
export const prometheusTargetGroupSchema = z.object({
  targets: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
});
export type PrometheusTargetGroup = z.infer<typeof prometheusTargetGroupSchema>;

// ---- the blocks to paste ----

/** Alertmanager's side: a receiver whose webhook posts to Wheelhouse (route alerts to `wheelhouse`). */
export function alertmanagerReceiverSnippet(url: string, token: string): string {
  return [
    "receivers:",
    "  - name: wheelhouse",
    "    webhook_configs:",
    `      - url: ${url}`,
    "        send_resolved: true",
    "        http_config:",
    "          authorization:",
    "            type: Bearer",
    `            credentials: ${token}`,
  ].join("\n");
}

/** Prometheus's side: one scrape job that finds every instance of the team's apps with a metrics path. */
export function prometheusScrapeSnippet(url: string, token: string, refreshInterval = "30s"): string {
  return [
    "scrape_configs:",
    "  - job_name: wheelhouse-apps",
    "    http_sd_configs:",
    `      - url: ${url}`,
    `        refresh_interval: ${refreshInterval}`,
    "        authorization:",
    "          type: Bearer",
    `          credentials: ${token}`,
  ].join("\n");
}
