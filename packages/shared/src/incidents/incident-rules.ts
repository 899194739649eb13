// Which signal opens an incident, at which severity: a team's rules, checked in order, the first
// match deciding. No stored rules means DEFAULT_INCIDENT_RULES (issue 13 item 2). A signal that
// matches an open incident's fingerprint adds to it whatever the rules say.
import { z } from "zod";
import { SEVERITIES, type Severity } from "../statuses/incident-statuses";
import { type ParsedSignal, SIGNAL_KINDS } from "./signals";

export const RULE_ENVIRONMENTS = ["any", "production", "staging"] as const;

export const incidentRuleSchema = z
  .object({
    kind: z.enum(SIGNAL_KINDS),
    /** The app's environment; signals without an app (agent lost) match "any" only. */
    environment: z.enum(RULE_ENVIRONMENTS).default("any"),
    /** instance.unhealthy only: match only when no healthy instance of the app is left. */
    onlyWhenNoHealthyInstanceLeft: z.boolean().default(false),
    action: z.enum(["open", "ignore"]),
    /** The incident's severity; alerts with a `severity` label keep their own unless this is set. */
    severity: z.enum(SEVERITIES).nullable().default(null),
  })
  .strict();
export type IncidentRule = z.output<typeof incidentRuleSchema>;

export const incidentRulesSchema = z.array(incidentRuleSchema).max(100);

export const DEFAULT_INCIDENT_RULES: IncidentRule[] = [
  {
    kind: "deployment.failed",
    environment: "production",
    onlyWhenNoHealthyInstanceLeft: false,
    action: "open",
    severity: "SEV2",
  },
  {
    kind: "deployment.failed",
    environment: "any",
    onlyWhenNoHealthyInstanceLeft: false,
    action: "open",
    severity: "SEV4",
  },
  {
    kind: "instance.unhealthy",
    environment: "production",
    onlyWhenNoHealthyInstanceLeft: true,
    action: "open",
    severity: "SEV2",
  },
  {
    kind: "instance.unhealthy",
    environment: "any",
    onlyWhenNoHealthyInstanceLeft: true,
    action: "open",
    severity: "SEV3",
  },
  {
    kind: "instance.unhealthy",
    environment: "any",
    onlyWhenNoHealthyInstanceLeft: false,
    action: "ignore",
    severity: null,
  },
  { kind: "agent.lost", environment: "any", onlyWhenNoHealthyInstanceLeft: false, action: "open", severity: "SEV3" },
  {
    kind: "certificate.failed",
    environment: "any",
    onlyWhenNoHealthyInstanceLeft: false,
    action: "open",
    severity: "SEV3",
  },
  {
    kind: "certificate.expiring",
    environment: "any",
    onlyWhenNoHealthyInstanceLeft: false,
    action: "open",
    severity: "SEV3",
  },
  { kind: "alert", environment: "any", onlyWhenNoHealthyInstanceLeft: false, action: "open", severity: null },
];

/** An alert without a usable `severity` label. */
export const DEFAULT_ALERT_SEVERITY: Severity = "SEV3";

export type RuleDecision = { action: "open"; severity: Severity } | { action: "ignore"; rule: IncidentRule | null };

/** The first rule that matches decides; none matching ignores the signal. */
export function decideSignal(rules: readonly IncidentRule[], signal: ParsedSignal): RuleDecision {
  const environment = typeof signal.details.environment === "string" ? signal.details.environment : null;
  const noHealthyLeft = signal.details.noHealthyInstanceLeft === true;
  for (const rule of rules) {
    if (rule.kind !== signal.kind) continue;
    if (rule.environment !== "any" && rule.environment !== environment) continue;
    if (rule.onlyWhenNoHealthyInstanceLeft && !noHealthyLeft) continue;
    if (rule.action === "ignore") return { action: "ignore", rule };
    return { action: "open", severity: rule.severity ?? signal.severity ?? DEFAULT_ALERT_SEVERITY };
  }
  return { action: "ignore", rule: null };
}
