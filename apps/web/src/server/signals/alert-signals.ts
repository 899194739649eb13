// Alertmanager's alerts as signals (issue 13 item 3). Each alert of a webhook body is one signal of
// kind "alert": labels `app` and `host` (names) attach it inside the token's team, `severity` maps to
// SEV1–SEV4, the alert's name is the reason class (so the same alert firing again shares the open
// incident's fingerprint), and a resolved alert is raised as "resolved" (the intake adds it to the
// timeline; it never closes the incident by itself).
import type { AlertmanagerWebhook, AlertOutcome, RaisedSignal, Severity } from "@wheelhouse/shared";
import type { PortalServices } from "../services";

type Alert = AlertmanagerWebhook["alerts"][number];

/** Words teams put in a `severity` label, beyond SEV1..SEV4 themselves. */
const SEVERITY_WORDS: Record<string, Severity> = {
  critical: "SEV1",
  error: "SEV2",
  major: "SEV2",
  high: "SEV2",
  warning: "SEV3",
  info: "SEV4",
  low: "SEV4",
  none: "SEV4",
};

/** The SEV of a `severity` label; null when missing or unknown, so the team's rules decide. */
export function severityFromLabel(label: string | undefined): Severity | null {
  if (label === undefined) return null;
  const word = label.trim().toLowerCase();
  const sev = /^sev([1-4])$/.exec(word);
  if (sev) return `SEV${sev[1]}` as Severity;
  return SEVERITY_WORDS[word] ?? null;
}

/** Kept per signal: enough to read the alert again, bounded however many labels it carries. */
const MAX_KEPT_ENTRIES = 40;
const MAX_KEPT_VALUE = 500;
const MAX_SUMMARY = 1_000;

function bounded(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map)
      .slice(0, MAX_KEPT_ENTRIES)
      .map(([key, value]) => [key, value.slice(0, MAX_KEPT_VALUE)]),
  );
}

/** What the labels named, resolved inside the team: ids for the signal, names for the answer. */
export interface AlertTarget {
  app: { id: string; name: string; environment: string } | null;
  host: { id: string; name: string } | null;
}

/** One alert as the intake takes it; pure, so the mapping is testable without a database. */
export function alertSignal(
  teamId: string,
  alert: Alert,
  groupKey: string,
  target: AlertTarget,
): RaisedSignal & { severity: Severity | null } {
  const alertname = alert.labels.alertname?.trim() || "unnamed alert";
  const text = alert.annotations.summary?.trim() || alert.annotations.description?.trim() || alertname;
  // A name Wheelhouse does not know is no reason to drop the alert: it stays readable in the summary.
  const unknown = [
    alert.labels.app && !target.app ? `app "${alert.labels.app}"` : null,
    alert.labels.host && !target.host ? `host "${alert.labels.host}"` : null,
  ].filter((part) => part !== null);
  const note = unknown.length > 0 ? ` (${unknown.join(", ")}: not known to Wheelhouse)` : "";
  return {
    teamId,
    kind: "alert",
    appId: target.app?.id ?? null,
    hostId: target.host?.id ?? null,
    reasonClass: alertname.slice(0, 200),
    summary: `${text}${note}`.slice(0, MAX_SUMMARY),
    state: alert.status,
    severity: severityFromLabel(alert.labels.severity),
    details: {
      environment: target.app?.environment ?? null,
      labels: bounded(alert.labels),
      annotations: bounded(alert.annotations),
      fingerprint: alert.fingerprint ?? null,
      groupKey: groupKey.slice(0, MAX_KEPT_VALUE),
      startsAt: alert.startsAt,
      endsAt: alert.endsAt ?? null,
      generatorURL: alert.generatorURL?.slice(0, MAX_KEPT_VALUE) ?? null,
    },
  };
}

/** Raises every alert of the body, in order; the answer names what became of each. */
export async function receiveAlerts(
  services: PortalServices,
  teamId: string,
  body: AlertmanagerWebhook,
): Promise<AlertOutcome[]> {
  const appNames = [...new Set(body.alerts.flatMap((alert) => alert.labels.app ?? []))];
  const hostNames = [...new Set(body.alerts.flatMap((alert) => alert.labels.host ?? []))];
  const [apps, hosts] = await Promise.all([
    appNames.length === 0
      ? []
      : services.db.app.findMany({
          where: { teamId, name: { in: appNames } },
          select: { id: true, name: true, environment: true },
        }),
    hostNames.length === 0
      ? []
      : services.db.host.findMany({
          where: { teamId, name: { in: hostNames }, revokedAt: null },
          select: { id: true, name: true },
        }),
  ]);
  const outcomes: AlertOutcome[] = [];
  // One at a time: two alerts of one body with the same fingerprint must not race to open two incidents.
  for (const alert of body.alerts) {
    const target: AlertTarget = {
      app: apps.find((app) => app.name === alert.labels.app) ?? null,
      host: hosts.find((host) => host.name === alert.labels.host) ?? null,
    };
    const signal = alertSignal(teamId, alert, body.groupKey, target);
    const receipt = await services.signals.raise(signal);
    outcomes.push({
      alertname: signal.reasonClass,
      state: alert.status,
      severity: signal.severity,
      app: target.app?.name ?? null,
      host: target.host?.name ?? null,
      outcome: receipt.outcome,
      signalId: receipt.signalId,
      incidentId: receipt.incidentId,
    });
  }
  return outcomes;
}
