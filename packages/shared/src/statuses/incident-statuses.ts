// An incident's statuses and severities, defined once (issue 13). Status moves Investigating →
// Identified → Monitoring → Resolved (a person may skip or go back; Resolved may be reopened).

export const INCIDENT_STATUSES = ["Investigating", "Identified", "Monitoring", "Resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Not yet resolved: signals with a matching fingerprint add to these instead of opening another. */
export const OPEN_INCIDENT_STATUSES = [
  "Investigating",
  "Identified",
  "Monitoring",
] as const satisfies readonly IncidentStatus[];

/** SEV1 is the worst: everything down or data at risk; SEV4 a minor problem, no customer impact. */
export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_DESCRIPTIONS: Record<Severity, string> = {
  SEV1: "Critical: the service is down for everyone, or data is at risk.",
  SEV2: "Major: a production app is down or badly degraded.",
  SEV3: "Minor: degraded, with a workaround, or outside production.",
  SEV4: "Low: no user impact yet; worth a look.",
};

/** Outcome of a runbook step execution: automatic checks pass, fail or error; manual steps are done or undone. */
export const STEP_OUTCOMES = ["running", "pass", "fail", "error", "done", "undone"] as const;
export type StepOutcome = (typeof STEP_OUTCOMES)[number];
