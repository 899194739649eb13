// A broken or hostile agent cannot hurt the portal or another host (issue 9, item 5). A fake agent
// (a real Socket.IO client with a real enrolled key) sends prototype-named events, more containers
// than a host may have, samples from 1970 and 9999, and the ids of another host's instance,
// terminal session and log stream. The portal stays up, the other host's data is untouched, each
// kind of refusal is logged once, and nothing is logged as an error.
import { APP_LABELS, type Container } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../apps/web/src/server/db/client.ts";
import { SampleWriter } from "../../apps/web/src/server/hosts/host-telemetry.ts";
import { type ApiClient, setUpAdmin } from "../support/api-client.ts";
import { connectFakeAgent, type FakeAgent } from "../support/fake-agent.ts";
import { LogViewerClient } from "../support/log-viewer.ts";
import { type Portal, startPortal, waitForUrl } from "../support/portal.ts";
import { connectTerminal } from "../support/terminal-client.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let admin: ApiClient;
let db: Db;
let hostile: FakeAgent;
let victim: FakeAgent;
/** The victim host's running instance of a live deployment. */
let victimInstanceId: string;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  const url = portal.databaseUrl;
  db = createDb(
    url.startsWith("file:") ? { kind: "sqlite", file: url.slice("file:".length), url } : { kind: "postgresql", url },
  );
  hostile = await connectFakeAgent(portal.url, admin, "hostile-host");
  victim = await connectFakeAgent(portal.url, admin, "victim-host");
  const team = await db.team.findFirstOrThrow();
  const app = await db.app.create({
    data: {
      teamId: team.id,
      name: "victim-app",
      environment: "staging",
      image: "registry.example/victim:1",
      port: 8080,
      healthPath: "/",
      healthTimeoutSeconds: 10,
      replicas: 1,
      network: "published",
      restartPolicy: "no",
      hosts: { create: [{ hostId: victim.hostId, position: 0 }] },
    },
  });
  const deployment = await db.deployment.create({
    data: { appId: app.id, kind: "deploy", status: "Live", imageRef: app.image, replicas: 1 },
  });
  const instance = await db.containerInstance.create({
    data: {
      appId: app.id,
      deploymentId: deployment.id,
      releaseId: "release-of-the-victim",
      hostId: victim.hostId,
      containerId: containerId(0xbeef),
      containerName: "victim-app-1",
      hostPort: 41_000,
      status: "Healthy",
    },
  });
  victimInstanceId = instance.id;
}, 90_000);

afterAll(async () => {
  hostile?.close();
  victim?.close();
  await db?.$disconnect();
  await portal?.stop();
});

function containerId(n: number): string {
  return n.toString(16).padStart(64, "0");
}

function container(n: number, labels: Record<string, string> = {}): Container {
  return {
    id: containerId(n),
    name: `hostile-${n}`,
    image: "busybox",
    imageId: "sha256:0",
    state: "running",
    health: "none",
    ports: [],
    labels,
    createdAt: 1,
    startedAt: 1,
    finishedAt: null,
    exitCode: null,
  };
}

/** The portal's "agent message refused" lines about the hostile host, of one kind. */
const refusalLines = (kind: string) =>
  portal.logs.filter((l) => l.msg === "agent message refused" && l.hostId === hostile.hostId && l.kind === kind);

/** Waits for `count` refusals of `event` to reach the hostile agent, then for its one log line. */
async function refusedAndLoggedOnce(event: (name: string) => boolean, count: number, kind: string) {
  await waitFor(() => hostile.refusals.filter((r) => event(r.event)).length >= count || undefined, {
    what: `${count} refusals`,
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  await waitFor(() => refusalLines(kind).length > 0 || undefined, {
    what: `a log line of ${kind}`,
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  // Later refusals of the kind must not add lines: give them a moment to (wrongly) appear.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(hostile.refusals.filter((r) => event(r.event))).toHaveLength(count);
  expect(refusalLines(kind)).toHaveLength(1);
}

async function victimInstanceStatus(): Promise<string | undefined> {
  return (await db.containerInstance.findUnique({ where: { id: victimInstanceId } }))?.status;
}

/** Resolves after the hostile host's next reconcile pass has reached nginx (its last step). */
async function nextReconcile(trigger: () => void) {
  const before = hostile.commands.filter((c) => c.type === "nginx.status").length;
  trigger();
  await waitFor(() => hostile.commands.filter((c) => c.type === "nginx.status").length > before || undefined, {
    what: "a reconcile pass of the hostile host",
    timeoutMs: 10_000,
    intervalMs: 50,
  });
}

describe("a hostile agent", () => {
  it("sends prototype-named events: refused as unknown, logged once, and the portal stays up", async () => {
    const names = ["constructor", "__proto__", "hasOwnProperty", "toString"];
    for (const name of names) hostile.socket.emit(name, { sample: {} });
    await refusedAndLoggedOnce((event) => names.includes(event), names.length, "unknown-event");
    expect(hostile.refusals.every((r) => r.reason === "unknown event")).toBe(true);
    expect(hostile.socket.connected).toBe(true);
    expect(portal.process.exitCode).toBeNull();
    await waitForUrl(`${portal.url}/health`, (res) => res.ok, 2_000);
    expect((await admin.query<{ hosts: unknown[] }>("hosts.list")).data?.hosts).toHaveLength(2);
  });

  it("names another host's instance in its inventory and container events: that instance keeps running", async () => {
    // Labelled as its own container, but claiming the victim's instance: an orphan of the hostile
    // host, whose removal must not stop an instance of another host.
    const claiming = container(1, {
      [APP_LABELS.managed]: "1",
      [APP_LABELS.host]: hostile.hostId,
      [APP_LABELS.instance]: victimInstanceId,
    });
    await nextReconcile(() => hostile.socket.emit("agent:inventory", { containers: [claiming], images: [] }));
    expect(hostile.commands).toContainEqual({
      type: "app.instance.remove",
      params: expect.objectContaining({ containerIds: [claiming.id] }),
    });
    expect(await victimInstanceStatus()).toBe("Healthy");

    await nextReconcile(() =>
      hostile.socket.emit("agent:container", { container: { ...container(2, claiming.labels), state: "exited" } }),
    );
    expect(await victimInstanceStatus()).toBe("Healthy");
  });

  it("reports more containers than a host may have: the rest are refused, logged once", async () => {
    hostile.socket.emit("agent:inventory", { containers: [], images: [] });
    for (let n = 1; n <= 5_005; n += 1) hostile.socket.emit("agent:container", { container: container(0x10000 + n) });
    await refusedAndLoggedOnce((event) => event === "agent:container", 5, "containers-over-cap");
    expect(hostile.refusals.at(-1)?.reason).toMatch(/5001 containers is over this host's cap of 5000/);
    const listed = await admin.query<{ containers: unknown[] }>("containers.list", { hostId: hostile.hostId });
    expect(listed.data?.containers).toHaveLength(5_000);

    // More images than the protocol allows in one report: refused as malformed, logged once.
    const images = Array.from({ length: 5_001 }, (_, n) => ({ id: `i${n}`, tags: [], sizeBytes: 0, createdAt: 0 }));
    hostile.socket.emit("agent:images", { images });
    hostile.socket.emit("agent:images", { images });
    await refusedAndLoggedOnce((event) => event === "agent:images", 2, "invalid");

    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    expect(metrics).toMatch(/^wheelhouse_agent_messages_refused_total\{kind="containers-over-cap"\} 5$/m);
    expect(metrics).toMatch(/^wheelhouse_agent_messages_refused_total\{kind="unknown-event"\} 4$/m);
  });

  it("sends samples from 1970 and 9999: refused, logged once, and other hosts' samples are still written", async () => {
    hostile.heartbeat(Date.UTC(1970, 0, 1, 0, 0, 1));
    hostile.heartbeat(Date.UTC(9999, 11, 31, 23, 59, 59));
    victim.heartbeat();
    await refusedAndLoggedOnce((event) => event === "agent:heartbeat", 2, "sample-time");
    expect(hostile.refusals.at(-1)?.reason).toMatch(/more than a day from the portal's clock/);
    // The portal writes samples every 15 s.
    await waitFor(
      async () => (await db.hostMetricSample.count({ where: { hostId: victim.hostId } })) > 0 || undefined,
      { what: "the victim's sample stored", timeoutMs: 25_000, intervalMs: 50 },
    );
    expect(await db.hostMetricSample.count({ where: { hostId: hostile.hostId } })).toBe(0);
  }, 40_000);

  it("one host's sample the database refuses costs no other host its sample", async () => {
    const errors: Error[] = [];
    const writer = new SampleWriter(db, (error) => errors.push(error as Error), 60_000);
    const sample = (at: number) => ({
      at,
      cpuPercent: 1,
      memoryUsedBytes: 1,
      memoryTotalBytes: 1,
      diskUsedBytes: 1,
      diskTotalBytes: 1,
    });
    const at = Date.now() - 5_000;
    // A host deleted since its heartbeat (the row breaks a foreign key) and a time no date can hold.
    writer.add("host-deleted-meanwhile", sample(at));
    writer.add(hostile.hostId, sample(8.64e15 + 1));
    writer.add(victim.hostId, sample(at));
    await writer.flush();
    const stored = await db.hostMetricSample.findMany({ where: { hostId: victim.hostId, at: new Date(at) } });
    expect(stored).toHaveLength(1);
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining(`could not store a sample of host ${hostile.hostId}`),
      expect.stringContaining("could not store a sample of host host-deleted-meanwhile"),
    ]);
  });

  it("writes into another host's terminal session: refused, logged once, and the session is untouched", async () => {
    const minted = await admin.mutate<{ token: string }>("terminal.openHost", {
      hostId: victim.hostId,
      size: { cols: 80, rows: 24 },
    });
    if (!minted.data) throw new Error(`could not mint a terminal token: ${JSON.stringify(minted.error)}`);
    const shell = await connectTerminal(portal.url, admin.cookie ?? "", minted.data.token);
    try {
      const { sessionId } = shell;
      hostile.socket.emit("agent:terminal-output", { sessionId, data: Buffer.from("FORGED OUTPUT") });
      hostile.socket.emit("agent:terminal-exit", { sessionId, exitCode: 0 });
      await refusedAndLoggedOnce((event) => event.startsWith("agent:terminal-"), 2, "other-host-session");

      victim.socket.emit("agent:terminal-output", { sessionId, data: Buffer.from("the victim's own output") });
      await shell.waitFor("the victim's own output");
      expect(shell.text()).not.toContain("FORGED");
      expect((await db.terminalSession.findUniqueOrThrow({ where: { id: sessionId } })).endedAt).toBeNull();
      victim.socket.emit("agent:terminal-exit", { sessionId, exitCode: 0 });
      expect((await shell.ended).reason).toBe("exited");
    } finally {
      shell.close();
    }
  });

  it("writes into another host's log stream: refused, logged once, and the viewer sees only the victim's lines", async () => {
    const viewer = new LogViewerClient(portal.url, admin.cookie ?? "");
    try {
      const reply = await viewer.subscribe({
        streamId: "victim-agent",
        target: { kind: "agent", hostId: victim.hostId },
      });
      expect(reply).toMatchObject({ ok: true });
      const subscribed = await waitFor(() => victim.commands.find((c) => c.type === "logs.subscribe"), {
        what: "the victim's log subscription",
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      const streamId = String(subscribed.params.streamId);
      const line = (text: string) => ({ seq: 0, ts: new Date().toISOString(), text, level: null });
      hostile.socket.emit("agent:log-batch", { streamId, batch: 1, skipped: 0, lines: [line("FORGED LINE")] });
      hostile.socket.emit("agent:log-end", { streamId, reason: "error", message: "forged end" });
      await refusedAndLoggedOnce((event) => event.startsWith("agent:log-"), 2, "other-host-stream");

      victim.socket.emit("agent:log-batch", { streamId, batch: 1, skipped: 0, lines: [line("the victim's own line")] });
      await waitFor(() => viewer.texts().includes("the victim's own line") || undefined, {
        what: "the victim's line",
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      expect(viewer.texts()).toEqual(["the victim's own line"]);
      expect(viewer.ends).toEqual([]);
      // The refused batch did not make the portal send the hostile agent a command for that stream.
      expect(hostile.commands.filter((c) => c.params.streamId === streamId)).toEqual([]);
    } finally {
      viewer.close();
    }
  });

  it("reports another host's instance as unhealthy: nothing changes, while the victim's own report is applied", async () => {
    const report = {
      instanceId: victimInstanceId,
      containerId: containerId(0xbeef),
      probe: "readiness",
      healthy: false,
      reason: "GET /ready on 127.0.0.1:41000 answered 500",
      restarted: false,
      at: Date.now(),
    };
    hostile.socket.emit("agent:instance-health", report);
    hostile.socket.emit("agent:instance-health", { ...report, probe: "liveness", restarted: true });
    // Handled in order with the hostile agent's later messages; give the lookups time to (wrongly) write.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await db.containerInstance.findUnique({ where: { id: victimInstanceId } })).toMatchObject({
      status: "Healthy",
      probeHealthy: null,
      failureReason: null,
    });
    // A report from the host the instance runs on is applied, so what kept the hostile one out was
    // the host's scope. (A healthy verdict: an unhealthy one would open an incident this suite does not need.)
    victim.socket.emit("agent:instance-health", { ...report, healthy: true, reason: null });
    await waitFor(
      async () => (await db.containerInstance.findUnique({ where: { id: victimInstanceId } }))?.probeHealthy,
      {
        what: "the victim's own report applied",
        timeoutMs: 10_000,
        intervalMs: 50,
        until: (verdict) => verdict === true,
      },
    );
  });

  it("leaves the portal up, answering, and without a logged error", async () => {
    expect(hostile.socket.connected).toBe(true);
    await waitForUrl(`${portal.url}/health`, (res) => res.ok, 2_000);
    // Both still count as Online once they report again (the test kept them quiet for a while).
    hostile.heartbeat();
    victim.heartbeat();
    const expected = JSON.stringify([
      ["hostile-host", "online"],
      ["victim-host", "online"],
    ]);
    await waitFor(
      async () => {
        const hosts = await admin.query<{ hosts: { name: string; status: string }[] }>("hosts.list");
        return JSON.stringify(hosts.data?.hosts.map((h) => [h.name, h.status]).sort());
      },
      { what: "both hosts listed Online after their heartbeats", timeoutMs: 5_000, until: (seen) => seen === expected },
    );
    expect(portal.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
