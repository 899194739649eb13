// Live logs against the real engine: lines a container writes reach a /logs viewer through the
// agent; search runs at the agent; two viewers share one Docker follow; a dropped socket resumes
// without gap or duplicate; tail and since; and the permission and team checks at subscribe time.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@wheelhouse/shared";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, agentConfigDir, enrollAgent, removeConfigDir, runAgent } from "../support/agents.ts";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeTestContainers,
  runDocker,
  runTestContainer,
  testAppImage,
} from "../support/docker.ts";
import { waitForListedContainer } from "../support/inventory.ts";
import { LogViewerClient } from "../support/log-viewer.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, repoRoot, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let admin: ApiClient;
const agents: AgentProcess[] = [];
const dirs: string[] = [];
const viewers: LogViewerClient[] = [];
let hostId: string;
let agent: AgentProcess;

/** Writes "tick N" (N from 1) every `everyMs`; stops at once on SIGTERM. */
function counter(prefix = "tick", everyS = "0.05"): string[] {
  return ["sh", "-c", `trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo "${prefix} $i"; sleep ${everyS}; done`];
}

async function enrol(name: string): Promise<{ id: string; process: AgentProcess }> {
  const created = await admin.mutate<{ token: string }>("hosts.createEnrollment", { name });
  const dir = agentConfigDir();
  dirs.push(dir);
  const result = await enrollAgent(dir, portal.url, created.data?.token ?? "");
  if (result.code !== 0) throw new Error(result.stderr);
  const process = runAgent(dir);
  agents.push(process);
  const hosts = await admin.query<{ hosts: { id: string; name: string }[] }>("hosts.list");
  const host = hosts.data?.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`${name} not listed`);
  return { id: host.id, process };
}

function viewer(client: ApiClient = admin): LogViewerClient {
  const v = new LogViewerClient(portal.url, client.cookie ?? "");
  viewers.push(v);
  return v;
}

const numbers = (v: LogViewerClient, prefix = "tick") =>
  v
    .texts()
    .filter((t) => t.startsWith(`${prefix} `))
    .map((t) => Number(t.slice(prefix.length + 1)));

function contiguous(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value === (values[index - 1] ?? 0) + 1);
}

const followsStarted = (containerId: string) =>
  agent.logs.filter((line) => line.msg === "docker log follow started" && line.containerId === containerId).length;

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const enrolled = await enrol("logs-host");
  hostId = enrolled.id;
  agent = enrolled.process;
});

afterEach(() => {
  for (const v of viewers.splice(0)) v.close();
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.kill()));
  await removeTestContainers();
  for (const dir of dirs) removeConfigDir(dir);
  await portal?.stop();
});

describe("live logs", () => {
  it("delivers the lines a container writes, in order, numbered without gaps", async () => {
    const container = await runTestContainer({ command: counter() });
    await waitForListedContainer(admin, hostId, container.id);
    const v = viewer();
    const reply = await v.subscribe({
      streamId: "arrive",
      target: { kind: "container", hostId, containerId: container.id },
      start: { tail: 0 },
    });
    expect(reply).toMatchObject({ ok: true, sources: [{ label: expect.any(String) }] });
    await waitFor(() => numbers(v).length >= 20, { what: "20 lines", timeoutMs: 10_000, intervalMs: 50 });
    const seen = numbers(v);
    expect(contiguous(seen)).toBe(true);
    expect(v.lines.map((l) => l.seq)).toEqual(v.lines.map((_, i) => i + 1));
  });

  it("searches at the agent: only matching lines cross the link, with levels read from JSON", async () => {
    const container = await runTestContainer({
      command: [
        "sh",
        "-c",
        `trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo "noise $i"; echo '{"level":"error","msg":"needle '$i'","code":7}'; sleep 0.05; done`,
      ],
    });
    await waitForListedContainer(admin, hostId, container.id);
    const before = await relayedTotal();
    const v = viewer();
    await v.subscribe({
      streamId: "grep",
      target: { kind: "container", hostId, containerId: container.id },
      start: { tail: 0 },
      filter: { grep: "NEEDLE" },
    });
    await waitFor(() => v.lines.length >= 10, { what: "10 matching lines", timeoutMs: 10_000, intervalMs: 50 });
    // Stop the writer and wait for the stream's end (after its last lines), then compare what
    // crossed with what arrived.
    await container.remove();
    await waitFor(() => v.ends.length > 0, {
      what: "the stream's end after the container was removed",
      timeoutMs: 10_000,
    });
    expect(v.texts().every((text) => text.includes("needle"))).toBe(true);
    expect(v.lines.every((line) => line.level === "error")).toBe(true);
    // The agent numbers only the lines that matched: nothing else was sent.
    expect(v.lines.map((l) => l.seq)).toEqual(v.lines.map((_, i) => i + 1));
    // And the portal relayed exactly what this viewer received (the metric is read over HTTP, so
    // it may lag the socket by a moment: a count that never matches fails with the last one seen).
    await waitFor(async () => (await relayedTotal()) - before, {
      what: `the relayed-lines metric to count the ${v.lines.length} lines received`,
      timeoutMs: 5_000,
      until: (relayed) => relayed === v.lines.length,
    });
  });

  it("runs one Docker follow for two viewers of the same container, each with its own filter", async () => {
    const container = await runTestContainer({ command: counter() });
    await waitForListedContainer(admin, hostId, container.id);
    const a = viewer();
    const b = viewer();
    const target = { kind: "container" as const, hostId, containerId: container.id };
    await a.subscribe({ streamId: "one", target, start: { tail: 0 } });
    await b.subscribe({ streamId: "two", target, start: { tail: 0 }, filter: { grep: "0" } });
    await waitFor(() => numbers(a).length >= 30 && numbers(b).length >= 2, {
      what: "both viewers read",
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(followsStarted(container.id)).toBe(1);
    expect(numbers(b).every((n) => String(n).includes("0"))).toBe(true);
    expect(await followers()).toBeGreaterThanOrEqual(2);
    a.close();
    b.close();
    await waitFor(
      () => agent.logs.some((l) => l.msg === "docker log follow stopped" && l.containerId === container.id),
      { what: "follow stopped after the last viewer left", timeoutMs: 10_000, intervalMs: 50 },
    );
  });

  it("resumes after the socket drops, with no gap and no duplicate", async () => {
    const container = await runTestContainer({ command: counter("beat", "0.02") });
    await waitForListedContainer(admin, hostId, container.id);
    const v = viewer();
    await v.subscribe({
      streamId: "resume",
      target: { kind: "container", hostId, containerId: container.id },
      start: { tail: 0 },
    });
    await waitFor(() => numbers(v, "beat").length >= 10, { what: "first lines", timeoutMs: 10_000, intervalMs: 50 });
    for (let round = 0; round < 2; round += 1) {
      const reconnected = new Promise((resolve) => v.socket.io.once("reconnect", resolve));
      v.drop();
      const lastBefore = numbers(v, "beat").length;
      // The viewer is offline until Socket.IO reconnects (after 100–300 ms), while the container
      // writes a line every 20 ms: those lines must arrive after the reconnect.
      await reconnected;
      await waitFor(() => numbers(v, "beat").length >= lastBefore + 60, {
        what: "lines after the reconnect",
        timeoutMs: 15_000,
        intervalMs: 50,
      });
    }
    expect(v.subscriptions).toBe(3);
    const seen = numbers(v, "beat");
    expect(new Set(seen).size).toBe(seen.length);
    expect(contiguous(seen)).toBe(true);
  });

  it("starts from the last N lines, or from a time", async () => {
    const container = await runTestContainer({
      command: [
        "sh",
        "-c",
        "trap 'exit 0' TERM; for i in 1 2 3 4 5; do echo early $i; done; sleep 2; echo late 1; echo late 2; sleep 300 & wait",
      ],
    });
    await waitForListedContainer(admin, hostId, container.id);
    const target = { kind: "container" as const, hostId, containerId: container.id };
    await waitFor(() => runDocker(["logs", container.id]), {
      what: "the container to write its first five lines",
      timeoutMs: 10_000,
      until: (written) => written.includes("early 5"),
    });
    const tail = viewer();
    await tail.subscribe({ streamId: "tail", target, start: { tail: 3 }, follow: false });
    await waitFor(() => tail.ends.length === 1, { what: "tail read", timeoutMs: 10_000, intervalMs: 50 });
    expect(tail.texts().slice(0, 3)).toEqual(["early 3", "early 4", "early 5"]);

    const stamped = await waitFor(() => runDocker(["logs", "--timestamps", container.id]), {
      what: "the container to write its late lines",
      timeoutMs: 10_000,
      intervalMs: 200,
      until: (written) => written.includes("late 2"),
    });
    const lateLine = stamped.split("\n").find((line) => line.endsWith(" late 1")) ?? "";
    const since = lateLine.split(" ")[0] ?? "";
    const fromTime = viewer();
    await fromTime.subscribe({ streamId: "since", target, start: { since }, follow: false });
    await waitFor(() => fromTime.ends.length === 1, { what: "since read", timeoutMs: 10_000, intervalMs: 50 });
    expect(fromTime.texts()).toEqual(["late 1", "late 2"]);
    expect(fromTime.ends[0]).toMatchObject({ reason: "done" });
  });

  it("refuses a container of another team's host, and a viewer", async () => {
    const container = await runTestContainer({ command: counter() });
    const other = await enrol("other-team-host");
    await waitForListedContainer(admin, other.id, container.id);
    await sql(
      portal.databaseUrl,
      `INSERT INTO "Team" (id, name, slug, "createdAt") VALUES ($1, $2, $3, CURRENT_TIMESTAMP)`,
      ["team_other", "Other", "other"],
    );
    await sql(portal.databaseUrl, `UPDATE "Host" SET "teamId" = $1 WHERE id = $2`, ["team_other", other.id]);
    const v = viewer();
    const refused = await v.subscribe({
      streamId: "foreign",
      target: { kind: "container", hostId: other.id, containerId: container.id },
      start: { tail: 10 },
    });
    expect(refused).toMatchObject({ ok: false, code: "NOT_FOUND" });
    // Not a synchronisation: a window in which a leaked line would (wrongly) arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(v.lines).toHaveLength(0);

    await admin.mutate("users.create", {
      email: "viewer@example.com",
      name: "Viewer",
      password: "viewer-password-12",
      role: "viewer",
    });
    const viewerClient = new ApiClient(portal.url);
    await viewerClient.signIn("viewer@example.com", "viewer-password-12");
    const asViewer = viewer(viewerClient);
    const denied = await asViewer.subscribe({
      streamId: "denied",
      target: { kind: "agent", hostId },
      start: { tail: 10 },
    });
    expect(denied).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const audited = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE action = 'logs.read' AND outcome = 'denied'`,
    );
    expect(Number(audited[0]?.n)).toBe(1);
  });

  it("streams the agent's own log, its JSON lines with their levels", async () => {
    const v = viewer();
    const reply = await v.subscribe({ streamId: "agent", target: { kind: "agent", hostId }, start: { tail: 500 } });
    expect(reply).toMatchObject({ ok: true });
    await waitFor(() => v.texts().some((t) => t.includes('"msg":"agent started"')), {
      what: "the agent's start line",
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(v.lines.find((l) => l.text.includes('"msg":"agent started"'))?.level).toBe("info");
  });
});

describe("an app's logs: every instance, in the browser's stream, over REST and in the CLI", () => {
  let appHost: TestHost;
  let rest: RestClient;
  let home: string;

  beforeAll(async () => {
    await ensureTestAppImage("v1");
    appHost = await enrolHostWithNginx(admin, portal.url, "app-logs-host");
    rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
    const created = await rest.call("POST", "/apps", {
      name: "logs-app",
      image: testAppImage("v1"),
      pullPolicy: "never",
      port: 8080,
      hosts: [appHost.id],
      replicas: 2,
      domains: ["logs.test"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const deployed = await rest.call<{ deployment: Deployment }>("POST", "/apps/logs-app/deployments", {});
    expect((await waitForDeployment(rest, deployed.body.deployment.id)).status).toBe("Live");
    home = mkdtempSync(join(tmpdir(), "wheelhouse-logs-cli-"));
  }, 120_000);

  afterAll(async () => {
    await appHost?.tearDown();
    await removeAppContainers();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("merges the instances, each line tagged with its instance", async () => {
    const v = viewer();
    const reply = await v.subscribe({ streamId: "app", target: { kind: "app", name: "logs-app" }, start: { tail: 5 } });
    expect(reply.ok && reply.sources.length).toBe(2);
    await waitFor(
      () => new Set(v.lines.filter((l) => l.text.startsWith("starting version v1")).map((l) => l.source)).size === 2,
      { what: "both instances' first line", timeoutMs: 10_000, intervalMs: 50 },
    );
  });

  it("reads over REST, and follows in the CLI (long poll) until stopped", async () => {
    const answer = await rest.call<{
      lines: { instance: string; text: string }[];
      instances: string[];
      cursor: string;
    }>("GET", "/apps/logs-app/logs?tail=5&grep=STARTING");
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.instances).toHaveLength(2);
    expect(answer.body.lines.map((l) => l.text.replace(/\d+$/, "N"))).toEqual([
      "starting version v1 on port N",
      "starting version v1 on port N",
    ]);

    const bin = join(repoRoot, "packages", "cli", "bin", "wheelhouse.mjs");
    const child = spawn(process.execPath, [bin, "logs", "logs-app", "--follow", "--json"], {
      env: { PATH: process.env.PATH ?? "", HOME: home, WHEELHOUSE_URL: portal.url, WHEELHOUSE_TOKEN: rest.token ?? "" },
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    try {
      await waitFor(() => stdout.includes("starting version v1"), {
        what: "the CLI's first lines",
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      const before = stdout.split("\n").length;
      // A request through nginx makes an instance log its answer (httpd -v): the follow must print it.
      expect(stdout).not.toContain("response:404");
      await requestWithHost(appHost.nginxPort, "logs.test", { path: "/followed-by-the-cli" });
      await waitFor(() => stdout.includes("response:404"), {
        what: "the followed line",
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      const lines = stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { instance: string; text: string });
      expect(lines.length).toBeGreaterThanOrEqual(before);
      expect(new Set(lines.map((l) => JSON.stringify(l))).size).toBe(lines.length);
    } finally {
      child.kill("SIGINT");
    }
  });
});

async function metricsText(): Promise<string> {
  return (await fetch(`${portal.url}/metrics`)).text();
}
async function relayedTotal(): Promise<number> {
  return Number(/^wheelhouse_log_lines_relayed_total (\d+)/m.exec(await metricsText())?.[1] ?? "0");
}
async function followers(): Promise<number> {
  return Number(/^wheelhouse_log_followers (\d+)/m.exec(await metricsText())?.[1] ?? "0");
}
