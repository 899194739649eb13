// The notifications that existing parts of the portal send (issue 14): incidents opened and
// resolved, deployments failed. Each names what happened in one sentence and carries the ids a
// receiver needs to look it up; approvals build their own (approvals/).
import type { Notification } from "./notify";

export interface IncidentFacts {
  id: string;
  number: number;
  title: string;
  severity: string;
  appId: string | null;
}

export function incidentOpenedNotification(
  incident: IncidentFacts,
  openedBy: { source: "signal"; summary: string } | { source: "person"; email: string },
): Notification {
  const by = openedBy.source === "person" ? ` by ${openedBy.email}` : "";
  return {
    type: "incident.opened",
    summary: `Incident #${incident.number} opened${by} (${incident.severity}): ${incident.title}`,
    path: `/incidents/${incident.id}`,
    data: {
      incident: { ...incident },
      source: openedBy.source,
      ...(openedBy.source === "person" ? { openedBy: openedBy.email } : { signal: openedBy.summary }),
    },
  };
}

export function incidentResolvedNotification(incident: IncidentFacts, resolvedBy: string): Notification {
  return {
    type: "incident.resolved",
    summary: `Incident #${incident.number} resolved by ${resolvedBy}: ${incident.title}`,
    path: `/incidents/${incident.id}`,
    data: { incident: { ...incident }, resolvedBy },
  };
}

export function deploymentFailedNotification(
  app: { id: string; name: string; environment: string },
  deployment: { id: string; kind: string },
  reason: string,
): Notification {
  return {
    type: "deployment.failed",
    summary: `The ${deployment.kind} of ${app.name} (${app.environment}) failed: ${reason}`.slice(0, 1_000),
    path: `/apps/${encodeURIComponent(app.name)}/deployments/${deployment.id}`,
    data: {
      app: { id: app.id, name: app.name, environment: app.environment },
      deployment: { id: deployment.id, kind: deployment.kind },
      reason: reason.slice(0, 4_000),
    },
  };
}
