// Incidents and signals end to end (issue 13 items 2, 7, 8): a real portal, a real agent on the real
// Docker engine with a managed nginx, and the crash variant of the test app. Failed deploys raise
// signals that open one incident per app (SEV4 in staging, SEV2 in production) and add to it; rules
// edited to ignore open nothing; a killed agent opens SEV3; the CLI lists and shows incidents; an
// operator opens one by hand, resolves it and writes its postmortem; a viewer changes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_INCIDENT_RULES, type Deployment, type IncidentDetail, type IncidentSummary } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "../support/agent-processes.ts";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, TEST_APP_CRASH_CODE, testAppImage } from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const OPERATOR = { email: "olga@example.com", password: "operator password 1", name: "Olga Operator" };
const VIEWER = { email: "vic@example.com", password: "viewer password 12", name: "Vic Viewer" };

let portal: Portal;
let admin: ApiClient;
let host: TestHost;
let adminRest: RestClient;
let operatorRest: RestClient;
let viewerRest: RestClient;
let operatorHome: string;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("crash");
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  for (const [who, role] of [
    [OPERATOR, "operator"],
    [VIEWER, "viewer"],
  ] as const) {
    const created = await admin.mutate("users.create", { ...who, role });
    if (created.status !== 200) throw new Error(`users.create failed: ${JSON.stringify(created.error)}`);
  }
  adminRest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  operatorRest = await apiKeyFor(portal.url, OPERATOR.email, OPERATOR.password);
  viewerRest = await apiKeyFor(portal.url, VIEWER.email, VIEWER.password);
  operatorHome = mkdtempSync(join(tmpdir(), "wheelhouse-incidents-cli-"));
  const login = await runCli(operatorHome, [
    "login",
    "--url",
    portal.url,
    "--email",
    OPERATOR.email,
    "--password",
    OPERATOR.password,
  ]);
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  host = await enrolHostWithNginx(admin, portal.url, "incident-host");
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  if (operatorHome) rmSync(operatorHome, { recursive: true, force: true });
  await portal?.stop();
});

/** An app of the crash variant: every deploy of it fails (the container exits at start). */
async function crashApp(name: string, environment: "staging" | "production"): Promise<void> {
  const created = await operatorRest.call("POST", "/apps", {
    name,
    image: testAppImage("crash"),
    pullPolicy: "never",
    port: 8080,
    hosts: [host.id],
    environment,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
}

async function failedDeploy(name: string): Promise<Deployment> {
  const started = await operatorRest.call<{ deployment: Deployment }>("POST", `/apps/${name}/deployments`, {});
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const finished = await waitForDeployment(operatorRest, started.body.deployment.id, 90_000);
  expect(finished.status).toBe("Failed");
  return finished;
}

async function incidentsOf(app: string): Promise<IncidentSummary[]> {
  const listed = await viewerRest.call<{ incidents: IncidentSummary[] }>("GET", `/incidents?status=all&app=${app}`);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  return listed.body.incidents;
}

async function detail(id: string): Promise<IncidentDetail> {
  const got = await viewerRest.call<{ incident: IncidentDetail }>("GET", `/incidents/${id}`);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  return got.body.incident;
}

async function scrape(): Promise<string> {
  return (await fetch(`${portal.url}/metrics`)).text();
}

async function deniedCount(action: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    portal.databaseUrl,
    `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE outcome = 'denied' AND action = $1`,
    [action],
  );
  return Number(rows[0]?.n);
}

let stagingIncident: IncidentSummary;

describe("failed deployments", () => {
  it("two failed deploys of one staging app open one SEV4 incident; the second adds to its timeline", async () => {
    await crashApp("crashy", "staging");
    const first = await failedDeploy("crashy");
    const [opened] = await waitFor(() => incidentsOf("crashy"), {
      what: "an incident for crashy's failed deploy",
      timeoutMs: 15_000,
      until: (incidents) => incidents.length === 1,
    });
    expect(opened).toMatchObject({ severity: "SEV4", status: "Investigating", app: "crashy", openedBy: "signal" });
    expect(opened?.title).toMatch(/^The deploy of crashy failed: /);

    const second = await failedDeploy("crashy");
    const after = await waitFor(() => incidentsOf("crashy"), {
      what: "the second failed deploy on crashy's incident",
      timeoutMs: 15_000,
      until: (incidents) => incidents[0]?.signals === 2,
    });
    expect(after).toHaveLength(1);
    if (!after[0]) throw new Error("no incident");
    stagingIncident = after[0];

    const incident = await detail(stagingIncident.id);
    // kind + app + no host + reason class: both failures share it.
    expect(incident.fingerprint).toMatch(/^deployment\.failed:[a-z0-9]+:-:deployment$/);
    const kinds = incident.timeline.map((entry) => entry.kind);
    expect(kinds.filter((kind) => kind === "opened")).toHaveLength(1);
    expect(kinds.filter((kind) => kind === "signal")).toHaveLength(2);
    // Both deployments are composed into the timeline, each with its status and reason.
    const deployments = incident.timeline.filter((entry) => entry.kind === "deployment");
    expect(deployments.map((entry) => entry.data)).toEqual([
      expect.objectContaining({ deploymentId: first.id, status: "Failed", failureReason: first.failureReason }),
      expect.objectContaining({ deploymentId: second.id, status: "Failed", failureReason: second.failureReason }),
    ]);
    expect(first.failureReason).toMatch(new RegExp(`code ${TEST_APP_CRASH_CODE}`));
    expect(deployments[0]?.actor).toBe(OPERATOR.email);
    // Oldest first.
    const times = incident.timeline.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 240_000);

  it("a failed deploy in production opens SEV2", async () => {
    await crashApp("crashy-prod", "production");
    await failedDeploy("crashy-prod");
    const [incident] = await waitFor(() => incidentsOf("crashy-prod"), {
      what: "an incident for crashy-prod",
      timeoutMs: 15_000,
      until: (incidents) => incidents.length === 1,
    });
    expect(incident).toMatchObject({ severity: "SEV2", app: "crashy-prod", status: "Investigating" });
  }, 120_000);

  it("opens nothing once the team's rules say to ignore failed deploys, and keeps the signal as ignored", async () => {
    const ignoring = [
      { kind: "deployment.failed", environment: "any", action: "ignore" },
      // The rest as before: the first match decides, so only failed deploys change.
      ...DEFAULT_INCIDENT_RULES,
    ];
    const refused = await operatorRest.call("PUT", "/signals/rules", { rules: ignoring });
    expect(refused.status).toBe(403);
    const saved = await adminRest.call<{ isDefault: boolean }>("PUT", "/signals/rules", { rules: ignoring });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const read = await viewerRest.call<{ rules: unknown[]; isDefault: boolean }>("GET", "/signals/rules");
    expect(read.body).toMatchObject({ isDefault: false });
    expect(read.body.rules[0]).toMatchObject({ kind: "deployment.failed", action: "ignore" });

    await crashApp("crashy-quiet", "production");
    const deployment = await failedDeploy("crashy-quiet");
    const signals = await waitFor(
      async () =>
        (await viewerRest.call<{ signals: { kind: string; outcome: string; summary: string }[] }>("GET", "/signals"))
          .body.signals,
      {
        what: "crashy-quiet's signal in the recent signals",
        timeoutMs: 15_000,
        until: (list) => list.some((signal) => signal.summary.includes("crashy-quiet")),
      },
    );
    expect(signals.find((signal) => signal.summary.includes("crashy-quiet"))).toMatchObject({
      kind: "deployment.failed",
      outcome: "ignored",
    });
    expect(deployment.status).toBe("Failed");
    expect(await incidentsOf("crashy-quiet")).toEqual([]);

    const restored = await adminRest.call("PUT", "/signals/rules", { rules: DEFAULT_INCIDENT_RULES });
    expect(restored.status).toBe(200);
  }, 120_000);

  it("counts signals by kind and outcome, and open incidents by severity", async () => {
    const text = await scrape();
    expect(metricValue(text, "wheelhouse_signals_total", { kind: "deployment.failed", outcome: "opened" })).toBe(2);
    expect(metricValue(text, "wheelhouse_signals_total", { kind: "deployment.failed", outcome: "deduplicated" })).toBe(
      1,
    );
    expect(metricValue(text, "wheelhouse_signals_total", { kind: "deployment.failed", outcome: "ignored" })).toBe(1);
    expect(metricValue(text, "wheelhouse_incidents_open", { severity: "SEV2" })).toBe(1);
    expect(metricValue(text, "wheelhouse_incidents_open", { severity: "SEV4" })).toBe(1);
  });
});

describe("wheelhouse incidents", () => {
  it("list --json prints the open incidents with id, title, severity, status, app and openedAt", async () => {
    const listed = await runCli(operatorHome, ["incidents", "list", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const incidents = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(incidents.map((incident) => incident.app).sort()).toEqual(["crashy", "crashy-prod"]);
    for (const incident of incidents) {
      expect(incident).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          title: expect.any(String),
          severity: expect.stringMatching(/^SEV[1-4]$/),
          status: "Investigating",
          openedAt: expect.any(String),
        }),
      );
    }
  });

  it("show NUMBER --json has the timeline; show NUMBER reads in a terminal", async () => {
    const json = await runCli(operatorHome, ["incidents", "show", String(stagingIncident.number), "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const shown = JSON.parse(json.stdout) as IncidentDetail;
    expect(shown.id).toBe(stagingIncident.id);
    expect(shown.timeline.filter((entry) => entry.kind === "signal")).toHaveLength(2);

    const text = await runCli(operatorHome, ["incidents", "show", String(stagingIncident.number)]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^#${stagingIncident.number} The deploy of crashy failed`));
    expect(text.stdout).toContain("Severity SEV4 · Status Investigating · App crashy");
    expect(text.stdout).toMatch(/UTC {2}signal {12}deployment\.failed: The deploy of crashy failed/);
    expect(text.stdout).toMatch(/UTC {2}deployment {8}deploy release \d+ Failed: /);
  });
});

describe("working an incident by hand", () => {
  it("an operator opens one, moves it to Resolved, reopens it and saves the postmortem, each audited", async () => {
    const opened = await operatorRest.call<{ incident: IncidentSummary }>("POST", "/incidents", {
      title: "Checkout is slow",
      severity: "SEV3",
      app: "crashy",
      summary: "p99 above 2 s since 10:00",
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const id = opened.body.incident.id;
    expect(opened.body.incident).toMatchObject({
      status: "Investigating",
      openedBy: OPERATOR.email,
      lead: { email: OPERATOR.email },
      app: "crashy",
    });
    // Numbers follow the signal-opened ones.
    expect(opened.body.incident.number).toBe(3);

    expect((await operatorRest.call("PATCH", `/incidents/${id}`, { status: "Identified" })).status).toBe(200);
    expect((await operatorRest.call("POST", `/incidents/${id}/notes`, { text: "a slow query" })).status).toBe(200);
    const resolved = await operatorRest.call<{ incident: IncidentSummary }>("PATCH", `/incidents/${id}`, {
      status: "Resolved",
      severity: "SEV4",
    });
    expect(resolved.body.incident).toMatchObject({ status: "Resolved", severity: "SEV4" });
    expect(resolved.body.incident.resolvedAt).not.toBeNull();
    const resolvedList = await viewerRest.call<{ incidents: IncidentSummary[] }>("GET", "/incidents?status=resolved");
    expect(resolvedList.body.incidents.map((incident) => incident.id)).toEqual([id]);
    const openList = await viewerRest.call<{ incidents: IncidentSummary[] }>("GET", "/incidents");
    expect(openList.body.incidents.map((incident) => incident.id)).not.toContain(id);

    const reopened = await operatorRest.call<{ incident: IncidentSummary }>("PATCH", `/incidents/${id}`, {
      status: "Monitoring",
    });
    expect(reopened.body.incident).toMatchObject({ status: "Monitoring", resolvedAt: null });
    await operatorRest.call("PATCH", `/incidents/${id}`, { status: "Resolved" });

    const postmortem = {
      summary: "An index was missing after the migration.",
      impact: "Checkout p99 at 3 s for 40 minutes.",
      timelineExcerpt: "10:00 alert; 10:40 index added",
      actionItems: [{ text: "Check indexes in the migration review", owner: OPERATOR.email, done: false }],
    };
    const saved = await operatorRest.call("PUT", `/incidents/${id}/postmortem`, { postmortem });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const incident = await detail(id);
    expect(incident.postmortem).toEqual(postmortem);
    expect(incident.timeline.filter((entry) => entry.kind !== "deployment").map((entry) => entry.kind)).toEqual([
      "opened",
      "lead",
      "status",
      "note",
      "status",
      "severity",
      "status",
      "status",
      "postmortem",
    ]);
    const statuses = incident.timeline.flatMap((entry) => (entry.kind === "status" ? [entry.data] : []));
    expect(statuses).toEqual([
      { from: "Investigating", to: "Identified" },
      { from: "Identified", to: "Resolved" },
      { from: "Resolved", to: "Monitoring" },
      { from: "Monitoring", to: "Resolved" },
    ]);
    expect(incident.timeline.find((entry) => entry.kind === "note")?.actor).toBe(OPERATOR.email);

    const audited = await sql<{ action: string; actorEmail: string }>(
      portal.databaseUrl,
      `SELECT action, "actorEmail" FROM "AuditEvent" WHERE "targetId" = $1 AND outcome = 'success' ORDER BY id`,
      [id],
    );
    expect(audited.map((row) => row.action)).toEqual([
      "incidents.open",
      "incidents.update",
      "incidents.note",
      "incidents.update",
      "incidents.update",
      "incidents.update",
      "incidents.postmortem",
    ]);
    expect(new Set(audited.map((row) => row.actorEmail))).toEqual(new Set([OPERATOR.email]));
  });

  it("a viewer reads incidents but changes nothing: each attempt refused with 403 and audited", async () => {
    const id = stagingIncident.id;
    expect((await viewerRest.call("GET", `/incidents/${id}`)).status).toBe(200);
    const before = await deniedCount("incidents.manage");
    const attempts = [
      await viewerRest.call("POST", "/incidents", { title: "Viewer's incident", severity: "SEV1" }),
      await viewerRest.call("PATCH", `/incidents/${id}`, { status: "Resolved" }),
      await viewerRest.call("POST", `/incidents/${id}/notes`, { text: "hello" }),
      await viewerRest.call("PUT", `/incidents/${id}/postmortem`, { postmortem: { summary: "x" } }),
    ];
    expect(attempts.map((attempt) => attempt.status)).toEqual([403, 403, 403, 403]);
    expect(attempts[0]?.body.message).toBe("Your role (viewer) cannot do this; it needs operator.");
    expect((await deniedCount("incidents.manage")) - before).toBe(4);
    const after = await detail(id);
    expect(after.status).toBe("Investigating");
    expect(after.timeline.some((entry) => entry.kind === "note" || entry.kind === "postmortem")).toBe(false);
    expect((await incidentsOf("crashy")).length).toBe(2);
  });
});

describe("a lost agent", () => {
  it("opens one SEV3 incident for the host once its agent is silent for the Lost window, and adds its return", async () => {
    await host.agent.kill();
    const incident = await waitFor(
      async () =>
        (await viewerRest.call<{ incidents: IncidentSummary[] }>("GET", "/incidents")).body.incidents.find(
          (candidate) => candidate.host?.id === host.id,
        ),
      // Lost after 15 s without a message, swept every 5 s, not before the portal is 30 s old.
      { what: "an incident for the lost agent", timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(incident).toMatchObject({
      severity: "SEV3",
      app: null,
      host: { name: "incident-host" },
      openedBy: "signal",
    });
    expect(incident.title).toMatch(/^The agent of incident-host is lost: no heartbeat for \d+ s/);

    host.restartAgent();
    const back = await waitFor(() => detail(incident.id), {
      what: "the agent's return on the incident's timeline",
      timeoutMs: 60_000,
      intervalMs: 500,
      until: (shown) => shown.timeline.some((entry) => entry.kind === "signal" && entry.data.state === "resolved"),
    });
    // Its return is on the timeline; it does not close the incident by itself.
    expect(back.status).toBe("Investigating");
    const signals = back.timeline.flatMap((entry) => (entry.kind === "signal" ? [entry.data] : []));
    expect(signals.map((signal) => [signal.kind, signal.state])).toEqual([
      ["agent.lost", "firing"],
      ["agent.lost", "resolved"],
    ]);
    const open = (await viewerRest.call<{ incidents: IncidentSummary[] }>("GET", "/incidents")).body.incidents;
    expect(open.filter((candidate) => candidate.host?.id === host.id)).toHaveLength(1);
  }, 150_000);
});
