// The stand-in portal's incidents (GET /incidents, GET /incidents/{id}), in the shapes of the shared
// schemas: one open incident opened by a signal, with a timeline of every kind the CLI prints, and
// one resolved incident about a host. Used by stand-in-portal.ts.
import type { IncidentDetail, IncidentSummary } from "@wheelhouse/shared";

const T0 = Date.parse("2026-11-22T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

export const CANNED_INCIDENTS: IncidentSummary[] = [
  {
    id: "inc_2",
    number: 2,
    title: "The deploy of billing-api failed: GET /health answered 500 three times",
    severity: "SEV2",
    status: "Investigating",
    app: "billing-api",
    host: null,
    lead: { id: "user_1", email: "ada@example.com", name: "Ada Lovelace" },
    openedAt: at(-60_000),
    resolvedAt: null,
    openedBy: "signal",
    signals: 2,
  },
  {
    id: "inc_1",
    number: 1,
    title: "db-1 lost",
    severity: "SEV3",
    status: "Resolved",
    app: null,
    host: { id: "host_db", name: "db-1" },
    lead: null,
    openedAt: at(-86_400_000),
    resolvedAt: at(-80_000_000),
    openedBy: "charles@example.com",
    signals: 0,
  },
];

const [open] = CANNED_INCIDENTS;
if (!open) throw new Error("no canned incident");

export const CANNED_INCIDENT_DETAIL: IncidentDetail = {
  ...open,
  fingerprint: "deployment.failed:app_billing-api:-:deployment",
  timeline: [
    {
      id: "d1",
      at: at(-70_000),
      actor: "ada@example.com",
      kind: "deployment",
      data: {
        deploymentId: "dep_9",
        kind: "deploy",
        status: "Failed",
        releaseNumber: 4,
        failureReason: "GET /health answered 500 three times",
      },
    },
    {
      id: "e1",
      at: at(-60_000),
      actor: null,
      kind: "opened",
      data: { source: "signal", severity: "SEV2", summary: "The deploy of billing-api failed" },
    },
    {
      id: "e2",
      at: at(-60_000),
      actor: null,
      kind: "signal",
      data: {
        signalId: "sig_1",
        kind: "deployment.failed",
        state: "firing",
        summary: "The deploy of billing-api failed",
      },
    },
    {
      id: "s1",
      at: at(-30_000),
      actor: "ada@example.com",
      kind: "shell",
      data: {
        sessionId: "ts_1",
        kind: "container",
        hostName: "web-1",
        containerName: "billing-api-3-1",
        endedAt: at(-20_000),
        hasRecording: true,
      },
    },
    {
      id: "e3",
      at: at(-10_000),
      actor: "ada@example.com",
      kind: "status",
      data: { from: "Investigating", to: "Identified" },
    },
    // A note with an escape sequence: the CLI must not pass it to the terminal.
    { id: "e4", at: at(-5_000), actor: "ada@example.com", kind: "note", data: { text: "DATABASE_URL\u001b[2J unset" } },
  ],
  runbooks: [],
  postmortem: { summary: "", impact: "", timelineExcerpt: "", actionItems: [] },
};

/** GET /incidents?status=… and GET /incidents/{id}; undefined for any other path. */
export function incidentsRoute(method: string, path: string, query: URLSearchParams): [number, unknown] | undefined {
  if (method === "GET" && path === "/incidents") {
    const status = query.get("status") ?? "open";
    const incidents = CANNED_INCIDENTS.filter((incident) =>
      status === "all" ? true : status === "resolved" ? incident.status === "Resolved" : incident.status !== "Resolved",
    );
    return [200, { incidents }];
  }
  const match = /^\/incidents\/([^/]+)$/.exec(path);
  if (method === "GET" && match) {
    const id = decodeURIComponent(match[1] ?? "");
    if (id === CANNED_INCIDENT_DETAIL.id) return [200, { incident: CANNED_INCIDENT_DETAIL }];
    return [404, { message: "There is no such incident in your team (see the Incidents page).", code: "NOT_FOUND" }];
  }
  return undefined;
}
