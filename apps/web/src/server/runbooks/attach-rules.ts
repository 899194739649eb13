// Whether a runbook attaches by itself to an incident a signal opened: a runbook attaches when any
// of its `attach` rules matches, and a rule matches when every condition it names holds.
import type { AttachRule, RunbookDefinition, Severity, SignalKind } from "@wheelhouse/shared";

/** What the rules can look at: the opening signal, and the environment of the incident's app. */
export interface OpeningFacts {
  signal: SignalKind;
  /** The signal's reason class ("readiness", "liveness", an alert's name…). */
  reason: string;
  severity: Severity;
  /** Null for an incident with no app (a host's, an alert without an app label). */
  environment: "production" | "staging" | null;
}

export function ruleMatches(rule: AttachRule, facts: OpeningFacts): boolean {
  if (rule.signal !== undefined && rule.signal !== facts.signal) return false;
  if (rule.reason !== undefined && rule.reason !== facts.reason) return false;
  if (rule.severity !== undefined && !rule.severity.includes(facts.severity)) return false;
  if (rule.environment !== undefined && rule.environment !== facts.environment) return false;
  return true;
}

export function attachesTo(runbook: Pick<RunbookDefinition, "attach">, facts: OpeningFacts): boolean {
  return runbook.attach.some((rule) => ruleMatches(rule, facts));
}

/** The reason class inside a signal's fingerprint (kind:app:host:reason; see signalFingerprint). */
export function reasonOfFingerprint(fingerprint: string): string {
  return fingerprint.split(":").slice(3).join(":");
}
