// Runbooks against a real portal, agent and Docker engine (issue 13 items 4 and 7): team versions
// (a run keeps the version it attached), the admin-only command step (refused and audited), a
// broken library file that is logged and skipped, attaching by hand and by the rules of a real
// failed deploy, running portal-side checks and ticking a manual step with who and when on the
// timeline, the check counter, a step left running by a stopped portal, and
// `wheelhouse runbooks validate` as its own process. The library is this test's own RUNBOOKS_DIR.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment, IncidentDetail, RunbookRunDto, StepState, TimelineEntry } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, testAppImage } from "../support/docker.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const OPERATOR = { email: "olive@example.com", password: "operator-password-1" };

/** Attaches by itself to a failed deploy in staging; its first check runs by itself. */
const FAILED_DEPLOY_RUNBOOK = `id: failed-deploy-triage
version: 4
title: A deployment failed
summary: Look at what the last deployments did and whether the host answers.
attach:
  - signal: deployment.failed
    environment: staging
steps:
  - id: recent
    title: Recent deployments
    check: deployments.recent
    params: { count: 3 }
    expect: the last deployment is Live
    onFail: Read the failed deployment's log; roll back if the previous release was fine.
    auto: true
  - id: read-log
    title: Read the deployment log
    instructions: Open the failed deployment and read its last lines.
`;

/** Never attaches by itself to the same incident: its rule asks for production. */
const PRODUCTION_ONLY_RUNBOOK = `id: production-only
version: 1
title: Production failures only
summary: Attaches to production incidents.
attach:
  - signal: deployment.failed
    environment: production
steps:
  - id: look
    title: Look
    instructions: Look around.
`;

// Line 8 names a check that is not in the catalogue.
const BROKEN_LIBRARY_FILE = `id: broken-library
version: 1
title: Broken
summary: Not valid.
steps:
  - id: first
    title: X
    check: no.such.check
    expect: a
    onFail: b
`;

function teamRunbook(title: string, extraStep = ""): string {
  return `id: host-checklist
version: 1
title: ${title}
summary: Check the agent, then look at the host.
steps:
  - id: agent
    title: Agent and engine answer
    check: agent.reachable
    expect: the agent and Docker answer
    onFail: Start the agent on the host (systemctl start wheelhouse-agent).
  - id: look
    title: Look at the host
    instructions: Log in and read the system journal.
${extraStep}`;
}

const COMMAND_STEP = `  - id: disk-usage
    title: Disk usage
    check: command.run
    params: { argv: [df, -h], where: host }
    expect: it prints
    onFail: the host cannot run df
`;

let portal: Portal;
let admin: ApiClient;
let adminRest: RestClient;
let operatorRest: RestClient;
let host: TestHost;
let libraryDir: string;
let home: string;

async function incident(id: string): Promise<IncidentDetail> {
  const answer = await operatorRest.call<{ incident: IncidentDetail }>("GET", `/incidents/${id}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.incident;
}

function runOf(detail: IncidentDetail, slug: string): RunbookRunDto {
  const run = detail.runbooks.find((candidate) => candidate.slug === slug);
  if (!run) throw new Error(`${slug} is not attached: ${detail.runbooks.map((r) => r.slug).join(", ")}`);
  return run;
}

function stepEntries(detail: IncidentDetail): Extract<TimelineEntry, { kind: "runbook.step" }>[] {
  return detail.timeline.filter(
    (entry): entry is Extract<TimelineEntry, { kind: "runbook.step" }> => entry.kind === "runbook.step",
  );
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("crash");
  libraryDir = mkdtempSync(join(tmpdir(), "wheelhouse-runbooks-library-"));
  writeFileSync(join(libraryDir, "failed-deploy-triage.yaml"), FAILED_DEPLOY_RUNBOOK);
  writeFileSync(join(libraryDir, "production-only.yaml"), PRODUCTION_ONLY_RUNBOOK);
  writeFileSync(join(libraryDir, "zz-broken.yaml"), BROKEN_LIBRARY_FILE);
  home = mkdtempSync(join(tmpdir(), "wheelhouse-runbooks-home-"));
  portal = await startPortal({ env: { RUNBOOKS_DIR: libraryDir } });
  admin = await setUpAdmin(portal.url);
  const created = await admin.mutate("users.create", { ...OPERATOR, name: "Olive", role: "operator" });
  if (created.status !== 200) throw new Error(JSON.stringify(created.error));
  adminRest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  operatorRest = await apiKeyFor(portal.url, OPERATOR.email, OPERATOR.password);
  host = await enrolHostWithNginx(admin, portal.url, "runbooks-host");
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
  // The restarted portal was given its data folder, so it leaves it for the test to remove.
  for (const dir of [libraryDir, home, portal?.dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the runbook library", () => {
  it("logs a broken file once with its file, line and reason, and serves the others", async () => {
    const warnings = portal.logs.filter((line) => line.msg === "a library runbook was left out: it is not valid");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: "zz-broken.yaml", line: 8 });
    expect(String(warnings[0]?.reason)).toMatch(/^line 8: steps\.0\.check: check must be one of: port\.owner, /);
    const listed = await operatorRest.call<{ runbooks: { slug: string; origin: string }[] }>("GET", "/runbooks");
    expect(listed.status).toBe(200);
    expect(listed.body.runbooks.map((runbook) => runbook.slug).sort()).toEqual([
      "failed-deploy-triage",
      "production-only",
    ]);
  });

  it("validates a text without saving it, with each error's line", async () => {
    const bad = teamRunbook("Bad").replace("    expect: the agent and Docker answer\n", "");
    const answer = await operatorRest.call<{ ok: boolean; errors: { line: number; message: string }[] }>(
      "POST",
      "/runbooks/validate",
      { source: bad },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: false,
      errors: [{ line: 6, message: "steps.0.expect: An automatic step says what a pass means (expect)." }],
    });
    const good = await operatorRest.call("POST", "/runbooks/validate", { source: teamRunbook("Good") });
    expect(good.body).toEqual({ ok: true, errors: [] });
    expect((await operatorRest.call<{ runbooks: unknown[] }>("GET", "/runbooks")).body.runbooks).toHaveLength(2);
  });
});

describe("team runbooks and runs on an incident", () => {
  let incidentId = "";
  let run: RunbookRunDto;

  it("saves versions 1 and 2 of a team runbook; the text says its version", async () => {
    const first = await operatorRest.call<{ version: number; source: string }>("POST", "/runbooks", {
      source: teamRunbook("Host checklist"),
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.version).toBe(1);

    const opened = await operatorRest.call<{ incident: { id: string } }>("POST", "/incidents", {
      title: "web-1 looks wrong",
      severity: "SEV3",
      hostId: host.id,
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    incidentId = opened.body.incident.id;
    const attached = await operatorRest.call<RunbookRunDto>("POST", `/incidents/${incidentId}/runbooks`, {
      slug: "host-checklist",
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    run = attached.body;
    expect(run).toMatchObject({ version: 1, origin: "team", attachedBy: "hand", title: "Host checklist" });

    const second = await operatorRest.call<{ version: number; source: string; versions: { version: number }[] }>(
      "POST",
      "/runbooks",
      { source: teamRunbook("Host checklist, second edition") },
    );
    expect(second.body.version).toBe(2);
    expect(second.body.source).toContain("version: 2\n");
    expect(second.body.versions.map((version) => version.version)).toEqual([2, 1]);
    const older = await operatorRest.call<{ definition: { title: string } }>(
      "GET",
      "/runbooks/host-checklist?version=1",
    );
    expect(older.body.definition.title).toBe("Host checklist");
  });

  it("keeps the version a run attached after a new one is saved, and refuses attaching it twice", async () => {
    const detail = await incident(incidentId);
    expect(runOf(detail, "host-checklist")).toMatchObject({
      version: 1,
      title: "Host checklist",
      definition: { version: 1, title: "Host checklist" },
    });
    const again = await operatorRest.call("POST", `/incidents/${incidentId}/runbooks`, { slug: "host-checklist" });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      '"Host checklist" is already attached to this incident (version 1); work through its steps there.',
    );
  });

  it("refuses an operator's command step with a sentence and audits it; an admin may save it", async () => {
    const refused = await operatorRest.call("POST", "/runbooks", {
      source: teamRunbook("With a command", COMMAND_STEP),
    });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^Only an admin may save a runbook with a command\.run step/);
    const denied = await sql<{ actorEmail: string; targetId: string }>(
      portal.databaseUrl,
      `SELECT "actorEmail", "targetId" FROM "AuditEvent" WHERE action = 'runbooks.write-command' AND outcome = 'denied'`,
    );
    expect(denied).toEqual([{ actorEmail: OPERATOR.email, targetId: "host-checklist" }]);
    const saved = await adminRest.call<{ version: number; hasCommand: boolean }>("POST", "/runbooks", {
      source: teamRunbook("With a command", COMMAND_STEP),
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ version: 3, hasCommand: true });
  });

  it("runs a portal-side check and ticks a manual step; the timeline says who and when", async () => {
    const before = Date.now();
    const ran = await operatorRest.call<StepState>("POST", `/runbook-runs/${run.id}/steps/agent/run`, {});
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body).toMatchObject({ stepId: "agent", outcome: "pass", by: OPERATOR.email, automatic: false });
    expect(ran.body.finding).not.toBe("");
    const ticked = await operatorRest.call<StepState>("POST", `/runbook-runs/${run.id}/steps/look/tick`, {
      done: true,
    });
    expect(ticked.body).toMatchObject({ stepId: "look", outcome: "done", by: OPERATOR.email });
    // A manual step is ticked, an automatic one run: each refuses the other.
    expect((await operatorRest.call("POST", `/runbook-runs/${run.id}/steps/look/run`, {})).status).toBe(400);
    expect((await operatorRest.call("POST", `/runbook-runs/${run.id}/steps/agent/tick`, { done: true })).status).toBe(
      400,
    );

    const detail = await incident(incidentId);
    expect(runOf(detail, "host-checklist").steps.map((step) => [step.stepId, step.outcome])).toEqual([
      ["agent", "pass"],
      ["look", "done"],
    ]);
    const entries = stepEntries(detail);
    expect(entries.map((entry) => [entry.data.stepId, entry.data.outcome, entry.actor])).toEqual([
      ["agent", "pass", OPERATOR.email],
      ["look", "done", OPERATOR.email],
    ]);
    for (const entry of entries) expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1_000);
    const attachedEntry = detail.timeline.find((entry) => entry.kind === "runbook.attached");
    expect(attachedEntry).toMatchObject({
      actor: OPERATOR.email,
      data: { slug: "host-checklist", version: 1, by: "hand" },
    });
  });

  it("refuses a viewer's attempt to run a step", async () => {
    await admin.mutate("users.create", {
      email: "vera@example.com",
      name: "Vera",
      password: "viewer-password-1",
      role: "viewer",
    });
    const viewer = await apiKeyFor(portal.url, "vera@example.com", "viewer-password-1");
    expect((await viewer.call("POST", `/runbook-runs/${run.id}/steps/agent/run`, {})).status).toBe(403);
    expect((await viewer.call("GET", `/incidents/${incidentId}/runbooks`)).status).toBe(200);
  });
});

describe("attaching by rules", () => {
  it("attaches the matching library runbook to the incident a failed deploy opens, and runs its auto step", async () => {
    const app = await adminRest.call("POST", "/apps", {
      name: "rules-crash",
      image: testAppImage("crash"),
      pullPolicy: "never",
      port: 8080,
      hosts: [host.id],
    });
    expect(app.status, JSON.stringify(app.body)).toBe(200);
    const deploy = await adminRest.call<{ deployment: Deployment }>("POST", "/apps/rules-crash/deployments", {});
    expect((await waitForDeployment(adminRest, deploy.body.deployment.id)).status).toBe("Failed");

    const opened = await waitFor(
      async () => {
        const list = await operatorRest.call<{ incidents: { id: string; app: string | null }[] }>("GET", "/incidents");
        return list.body.incidents.find((candidate) => candidate.app === "rules-crash");
      },
      { what: "the failed deploy's incident", timeoutMs: 20_000 },
    );
    const detail = await waitFor(
      async () => {
        const current = await incident(opened.id);
        const step = current.runbooks.find((r) => r.slug === "failed-deploy-triage")?.steps[0];
        return step?.outcome && step.outcome !== "running" ? current : undefined;
      },
      { what: "the automatic step to finish", timeoutMs: 30_000 },
    );
    expect(detail.runbooks.map((r) => [r.slug, r.attachedBy, r.version])).toEqual([
      ["failed-deploy-triage", "rule", 4],
    ]);
    const [recent, readLog] = runOf(detail, "failed-deploy-triage").steps;
    expect(recent).toMatchObject({ stepId: "recent", outcome: "fail", by: "Wheelhouse", automatic: true });
    expect(recent?.finding).toMatch(/fail/i);
    expect(readLog).toMatchObject({ stepId: "read-log", outcome: null });
    const entry = stepEntries(detail).find((candidate) => candidate.data.stepId === "recent");
    expect(entry).toMatchObject({ actor: null, data: { automatic: true, outcome: "fail" } });
    expect(detail.timeline.find((candidate) => candidate.kind === "runbook.attached")).toMatchObject({
      actor: null,
      data: { slug: "failed-deploy-triage", by: "rule" },
    });
  });

  it("counts each finished check by kind and outcome", async () => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    expect(text).toMatch(/^wheelhouse_runbook_checks_total\{check="agent.reachable",outcome="pass"\} 1$/m);
    expect(text).toMatch(/^wheelhouse_runbook_checks_total\{check="deployments.recent",outcome="fail"\} 1$/m);
    expect(text).toMatch(/^wheelhouse_runbook_checks_total\{check="http.probe",outcome="error"\} 0$/m);
  });
});

describe("a step that is running", () => {
  it("is refused while it runs, and marked error with a sentence when a stopped portal starts again", async () => {
    const [row] = await sql<{ id: string }>(
      portal.databaseUrl,
      `SELECT id FROM "RunbookRun" WHERE slug = 'host-checklist'`,
    );
    if (!row) throw new Error("no run");
    // The state a check leaves while it runs (and forever, if the portal stops meanwhile).
    await sql(
      portal.databaseUrl,
      `INSERT INTO "RunbookStepRun" ("runId", "stepId", outcome, "actorEmail", automatic, "startedAt") VALUES ($1, 'agent', 'running', $2, false, CURRENT_TIMESTAMP)`,
      [row.id, ADMIN.email],
    );
    const again = await operatorRest.call("POST", `/runbook-runs/${row.id}/steps/agent/run`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      `"Agent and engine answer" is already running (started by ${ADMIN.email}); wait for its result.`,
    );

    await portal.stop({ keepData: true });
    portal = await startPortal({
      env: { RUNBOOKS_DIR: libraryDir },
      dataDir: portal.dataDir,
      databaseUrl: portal.databaseUrl,
      port: portal.port,
    });
    const rows = await sql<{ outcome: string; finding: string }>(
      portal.databaseUrl,
      `SELECT outcome, finding FROM "RunbookStepRun" WHERE "runId" = $1 AND "stepId" = 'agent' ORDER BY id DESC LIMIT 1`,
      [row.id],
    );
    expect(rows).toEqual([{ outcome: "error", finding: "The portal restarted while this check ran; run it again." }]);
    const detail = await incident(
      (
        await sql<{ incidentId: string }>(portal.databaseUrl, `SELECT "incidentId" FROM "RunbookRun" WHERE id = $1`, [
          row.id,
        ])
      )[0]?.incidentId ?? "",
    );
    expect(stepEntries(detail).at(-1)).toMatchObject({
      actor: null,
      data: { stepId: "agent", outcome: "error", finding: "The portal restarted while this check ran; run it again." },
    });
  });
});

describe("wheelhouse runbooks validate", () => {
  it("exits 0 for a valid file and 1 with file, line and reason for a malformed one", async () => {
    const good = join(home, "good.yaml");
    const bad = join(home, "bad.yaml");
    writeFileSync(good, teamRunbook("Good"));
    writeFileSync(
      bad,
      "id: bad-one\nversion: 1\ntitle: Bad\nsummary: x\nsteps:\n  - id: a\n    title: A\n    instructions: [unclosed\n",
    );
    const valid = await runCli(home, ["runbooks", "validate", good]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toBe("1 runbook valid\n");
    const invalid = await runCli(home, ["runbooks", "validate", bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+: \\S`));
    expect(invalid.stderr).toBe("wheelhouse: 1 of 1 runbook not valid.\n");
  });
});
