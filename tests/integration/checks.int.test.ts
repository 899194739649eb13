// The check catalogue end to end (issue 13 item 5): a real portal, an enrolled agent with its
// managed nginx, a deployed app, and a team runbook whose automatic steps reproduce the operations
// guides' failures for real: a stray process holding a port, an app with no instance left in
// service (nginx answers 502: "live but 502"), a stopped container with its exit code and last
// lines, and a database URL taken from the app's secret that never shows in the result.
import { type ChildProcess, spawn } from "node:child_process";
import type { AppDetail, IncidentDetail, RunbookRunDto, StepState } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, runDocker, testAppImage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

const OPERATOR = { email: "otto@example.com", password: "operator-password-1" };
const APP = "checks-shop";
const DOMAIN = "checks-shop.test";
const PASSWORD = "db-pass-never-shown-42";

let portal: Portal;
let operator: RestClient;
let host: TestHost;
let stray: ChildProcess;
let strayPort: number;
let databasePort: number;
let runId: string;
let incidentId: string;
let containerId: string;

function runbook(): string {
  return `id: seed-failures
version: 1
title: The guides' failures
summary: Each automatic step looks at one cause the operations guides name.
steps:
  - id: stray
    title: Who holds the port
    check: port.owner
    params: { port: ${strayPort} }
    expect: the port is free
    onFail: Stop the process that holds it, or give the app another port.
  - id: app-port
    title: The app's published port is held
    check: port.owner
    params: { port: "{app.hostPort}", expect: held }
    expect: something listens on the app's port
    onFail: The app's instance is not running.
  - id: upstream
    title: nginx's upstream
    check: nginx.upstream
    expect: nginx sends requests to the instances
    onFail: No instance is healthy; look at the containers.
  - id: containers
    title: Container state
    check: container.state
    params: { logLines: 5 }
    expect: the containers run
    onFail: Read the last lines; they usually say why it stopped.
  - id: ready
    title: Readiness on every instance
    check: http.probe
    params: { target: app-readiness }
    expect: every instance answers
    onFail: The failing instance is named.
  - id: database
    title: The database answers
    check: database.reachable
    params: { engine: postgresql, envVar: DATABASE_URL, timeoutMs: 2000 }
    expect: PostgreSQL accepts the login
    onFail: Check the database and the URL.
`;
}

async function runStep(stepId: string): Promise<StepState> {
  const ran = await operator.call<StepState>("POST", `/runbook-runs/${runId}/steps/${stepId}/run`, {});
  expect(ran.status, JSON.stringify(ran.body)).toBe(200);
  return ran.body;
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("v1");
  [strayPort, databasePort] = [await freePort(), await freePort()];
  // The stray process of the guides' "port already in use": a plain node server nobody manages.
  stray = spawn(
    process.execPath,
    ["-e", `require("node:net").createServer().listen(${strayPort}, "127.0.0.1")`, "leftover-dev-server"],
    {
      stdio: "ignore",
    },
  );
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  const created = await admin.mutate("users.create", { ...OPERATOR, name: "Otto", role: "operator" });
  if (created.status !== 200) throw new Error(JSON.stringify(created.error));
  const adminRest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  operator = await apiKeyFor(portal.url, OPERATOR.email, OPERATOR.password);
  host = await enrolHostWithNginx(admin, portal.url, "checks-host");

  const app = await adminRest.call("POST", "/apps", {
    name: APP,
    image: testAppImage("v1"),
    pullPolicy: "never",
    port: 8080,
    hosts: [host.id],
    domains: [DOMAIN],
    // Nothing listens there: the check fails, and must say so without the password.
    secrets: { DATABASE_URL: `postgres://shop:${PASSWORD}@127.0.0.1:${databasePort}/shop` },
  });
  expect(app.status, JSON.stringify(app.body)).toBe(200);
  const deploy = await adminRest.call<{ deployment: { id: string } }>("POST", `/apps/${APP}/deployments`, {});
  expect((await waitForDeployment(adminRest, deploy.body.deployment.id)).status).toBe("Live");
  const detail = await adminRest.call<{ app: AppDetail }>("GET", `/apps/${APP}`);
  containerId = detail.body.app.instances[0]?.containerId ?? "";
  await waitFor(() => requestWithHost(host.nginxPort, DOMAIN), {
    what: `${DOMAIN} served through nginx`,
    timeoutMs: 20_000,
    until: (response) => response.status === 200,
  });

  const saved = await operator.call("POST", "/runbooks", { source: runbook() });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const opened = await operator.call<{ incident: { id: string } }>("POST", "/incidents", {
    title: "checks-shop is misbehaving",
    severity: "SEV3",
    app: APP,
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  incidentId = opened.body.incident.id;
  const attached = await operator.call<RunbookRunDto>("POST", `/incidents/${incidentId}/runbooks`, {
    slug: "seed-failures",
  });
  expect(attached.status, JSON.stringify(attached.body)).toBe(200);
  runId = attached.body.id;
}, 240_000);

afterAll(async () => {
  stray?.kill("SIGKILL");
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
});

describe("checks run from an incident's runbook on the app's host", () => {
  it("names the stray process holding a port, by pid and command line", async () => {
    const step = await runStep("stray");
    expect(step).toMatchObject({ outcome: "fail", by: OPERATOR.email, automatic: false, hostName: "checks-host" });
    expect(step.finding).toContain(`port ${strayPort} is held by pid ${stray.pid}: ${process.execPath} -e`);
    expect(step.finding).toContain("leftover-dev-server");
  });

  it("fills {app.hostPort} from the app's instance, and the upstream and probes pass while it serves", async () => {
    const appPort = await runStep("app-port");
    expect(appPort.outcome).toBe("pass");
    // The engine publishes the port through docker-proxy here (--userland-proxy): named, with its container.
    expect(appPort.finding).toMatch(new RegExp(`is held by pid \\d+: \\S*docker-proxy .* for container wh-${APP}`));
    const upstream = await runStep("upstream");
    expect(upstream.outcome).toBe("pass");
    expect(upstream.finding).toMatch(new RegExp(`^nginx sends ${APP} to 1 instance: 127\\.0\\.0\\.1:\\d+$`));
    const ready = await runStep("ready");
    expect(ready.outcome).toBe("pass");
    expect(ready.finding).toMatch(/^instance [0-9a-f]{12} answered 200 on \/health in \d+ ms$/);
  });

  it("says where the database does not answer, and never shows the secret's password", async () => {
    const step = await runStep("database");
    expect(step.outcome).toBe("fail");
    expect(step.finding).toBe(`nothing listens at 127.0.0.1:${databasePort}: the database is down or on another port`);
    const detail = await operator.call<{ incident: IncidentDetail }>("GET", `/incidents/${incidentId}`);
    expect(JSON.stringify(detail.body)).not.toContain(PASSWORD);
    expect(JSON.stringify(detail.body)).toContain("nothing listens at");
  });

  it("with its only instance stopped, finds the placeholder upstream (live but 502) and the exit code", async () => {
    await runDocker(["stop", "--time", "1", containerId]);
    // A dead upstream answers 502 at once; the placeholder comes once the portal has taken the
    // instance out of service and the agent applied nginx again. The check is asked until then.
    const upstream = await waitFor(() => runStep("upstream"), {
      what: "the upstream check to see the instance gone",
      timeoutMs: 30_000,
      intervalMs: 500,
      until: (step) => step.outcome === "fail",
    });
    expect(upstream.finding).toBe(
      `no healthy instance of ${APP}: nginx's upstream holds only the placeholder (server 127.0.0.1:1 down;), so the app is live but every request gets 502`,
    );
    // What a visitor gets then, for real.
    expect((await requestWithHost(host.nginxPort, DOMAIN)).status).toBe(502);
    const containers = await runStep("containers");
    expect(containers.outcome).toBe("fail");
    expect(containers.finding).toMatch(/^container \S+ exited with code (0|137|143); (last line|it said): /);
    expect(containers.output).toContain("| ");

    const detail = await operator.call<{ incident: IncidentDetail }>("GET", `/incidents/${incidentId}`);
    const steps = detail.body.incident.timeline.filter((entry) => entry.kind === "runbook.step");
    expect(steps.length).toBeGreaterThanOrEqual(7);
  });
});
