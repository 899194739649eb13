// Several teams (issue 16) on the browser sockets, against the real portal, agent and Docker
// engine: a team A member cannot follow team B's logs on /logs, cannot open or watch a shell of
// B's on /terminal, and A's /ui pages hear none of B's changes. A person in both teams who switches
// has their old sockets closed within 2 s with the team-changed sentence, and a socket opened after
// the switch hears the new team. The procedures and REST across teams: teams.int.test.ts.
import type { Deployment } from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deployTestApp,
  enrolHostWithNginx,
  removeAppContainers,
  type TestHost,
  waitForDeployment,
} from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, removeTestContainers } from "../support/docker.ts";
import { LogViewerClient } from "../support/log-viewer.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { memberOf, setUpTwoTeams, type TwoTeams } from "../support/teams.ts";
import { connectTerminal, type TerminalClient } from "../support/terminal-client.ts";
import { waitFor } from "../support/wait-for.ts";

const SIZE = { cols: 80, rows: 24 };
const WITHIN_MS = 2_000;
const TEAM_CHANGED = /You are now working in another team/;

let portal: Portal;
let teams: TwoTeams;
let host: TestHost;
let containerId = "";
let deploymentId = "";
let bShell: TerminalClient;
const opened: { close(): void }[] = [];

interface UiPage {
  socket: Socket;
  /** Every event the page received, by name. */
  events: { name: string; args: unknown[] }[];
  /** The sentence of "team:changed", when the gate ends the page because its session works in another team. */
  ended: Promise<string>;
}

/** A /ui socket as a page opens it, recording all it hears. */
async function uiPage(cookie: string): Promise<UiPage> {
  const socket = io(`${portal.url}/ui`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie, origin: portal.url },
  });
  opened.push(socket);
  const events: UiPage["events"] = [];
  socket.onAny((name: string, ...args: unknown[]) => events.push({ name, args }));
  // The gate tells the page why it ends; a page whose session moved to another team reloads there.
  const ended = new Promise<string>((resolve) => {
    socket.once("team:changed", (payload: { reason?: string } | undefined) => resolve(payload?.reason ?? ""));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, events, ended };
}

async function deployInB(): Promise<void> {
  const started = await teams.restB.call<{ deployment: Deployment }>("POST", "/apps/b-shop/deployments", {});
  expect(started.status).toBe(200);
  expect((await waitForDeployment(teams.restB, started.body.deployment.id)).status).toBe("Live");
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${WITHIN_MS} ms`)), WITHIN_MS),
    ),
  ]);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("v1");
  portal = await startPortal();
  teams = await setUpTwoTeams(portal);
  host = await enrolHostWithNginx(teams.adaB, portal.url, "harbour-host");
  containerId = await deployTestApp(teams.restB, "b-shop", host.id);
  const deployments = await teams.restB.call<{ deployments: { id: string }[] }>("GET", "/apps/b-shop/deployments");
  deploymentId = deployments.body.deployments[0]?.id ?? "";
  const operator = memberOf(teams, "operator");
  const granted = await teams.ada.mutate("users.setShellGrant", { userId: operator.id, granted: true });
  if (granted.status !== 200) throw new Error(JSON.stringify(granted.error));
  const minted = await teams.adaB.mutate<{ token: string }>("terminal.openContainer", {
    hostId: host.id,
    containerId,
    size: SIZE,
  });
  bShell = await connectTerminal(portal.url, teams.adaB.cookie ?? "", minted.data?.token ?? "");
  opened.push(bShell);
  await bShell.waitFor(/[#$] /);
}, 180_000);

afterAll(async () => {
  for (const socket of opened) socket.close();
  await host?.tearDown();
  await removeAppContainers();
  await removeTestContainers();
  await portal?.stop();
});

describe("/logs across teams", () => {
  it("refuses every B target to A's operator as not found, and sends no line", async () => {
    const viewer = new LogViewerClient(portal.url, memberOf(teams, "operator").client.cookie ?? "");
    opened.push(viewer);
    const targets = [
      { kind: "app", name: "b-shop" },
      { kind: "container", hostId: host.id, containerId },
      { kind: "deployment", id: deploymentId },
    ] as const;
    for (const [index, target] of targets.entries()) {
      const reply = await viewer.subscribe({ streamId: `b${index}`, target, start: { tail: 10 } });
      expect(reply, JSON.stringify(target)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    }
    // The agent's own log is an admin's: A's admin, too, finds no such host.
    const adminViewer = new LogViewerClient(portal.url, memberOf(teams, "admin").client.cookie ?? "");
    opened.push(adminViewer);
    const agentReply = await adminViewer.subscribe({
      streamId: "agent",
      target: { kind: "agent", hostId: host.id },
      start: { tail: 10 },
    });
    expect(agentReply).toMatchObject({ ok: false, code: "NOT_FOUND" });
    // Not a synchronisation: a window in which a leaked line would (wrongly) arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(viewer.lines).toHaveLength(0);
    expect(adminViewer.lines).toHaveLength(0);
  });

  it("streams the same targets to B's admin (the control)", async () => {
    const viewer = new LogViewerClient(portal.url, teams.adaB.cookie ?? "");
    opened.push(viewer);
    const reply = await viewer.subscribe({
      streamId: "own",
      target: { kind: "app", name: "b-shop" },
      start: { tail: 10 },
    });
    expect(reply).toMatchObject({ ok: true });
    const deployment = await viewer.subscribe({
      streamId: "dep",
      target: { kind: "deployment", id: deploymentId },
      start: { tail: 10 },
    });
    expect(deployment).toMatchObject({ ok: true });
  });
});

describe("/terminal across teams", () => {
  it("lets A open no shell on B's container or host, nor watch or take B's shell", async () => {
    const operator = memberOf(teams, "operator").client;
    const admin = memberOf(teams, "admin").client;
    const container = await operator.mutate("terminal.openContainer", { hostId: host.id, containerId, size: SIZE });
    expect(container.status).toBe(404);
    expect((await admin.mutate("terminal.openContainer", { hostId: host.id, containerId, size: SIZE })).status).toBe(
      404,
    );
    expect((await admin.mutate("terminal.openHost", { hostId: host.id, size: SIZE })).status).toBe(404);
    for (const mode of ["watch", "control"] as const) {
      expect((await operator.mutate("terminal.attach", { sessionId: bShell.sessionId, mode })).status).toBe(404);
      expect((await admin.mutate("terminal.attach", { sessionId: bShell.sessionId, mode })).status).toBe(404);
    }
  });

  it("refuses B's attach token on the socket of a member of A", async () => {
    const minted = await teams.adaB.mutate<{ token: string }>("terminal.attach", {
      sessionId: bShell.sessionId,
      mode: "watch",
    });
    expect(minted.status).toBe(200);
    const attempt = connectTerminal(
      portal.url,
      memberOf(teams, "operator").client.cookie ?? "",
      minted.data?.token ?? "",
    );
    await expect(attempt).rejects.toThrow();
    // B's shell goes on (the control): its owner still types in it.
    bShell.send("echo still-b\r");
    await bShell.waitFor("still-b");
  });
});

describe("/ui across teams", () => {
  it("sends B's change events to B's pages only", async () => {
    const pageA = await uiPage(memberOf(teams, "operator").client.cookie ?? "");
    const adminPageA = await uiPage(memberOf(teams, "admin").client.cookie ?? "");
    const pageB = await uiPage(teams.adaB.cookie ?? "");
    await deployInB();
    await waitFor(() => pageB.events.some((event) => event.name === "apps:changed"), {
      what: "B's page to hear the deployment",
      timeoutMs: 5_000,
    });
    // Hints are batched (200 ms); a second of silence after B heard them is A's chance to (wrongly) hear too.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(pageA.events).toEqual([]);
    expect(adminPageA.events).toEqual([]);
  });

  it("closes a switching person's old sockets within 2 s, and the next socket hears the new team", async () => {
    const { ada } = teams;
    const oldPage = await uiPage(ada.cookie ?? "");
    const oldLogs = new LogViewerClient(portal.url, ada.cookie ?? "");
    opened.push(oldLogs);
    await oldLogs.connected();
    const logsClosed = new Promise<void>((resolve) => oldLogs.socket.once("disconnect", () => resolve()));
    const pageClosed = new Promise<void>((resolve) => oldPage.socket.once("disconnect", () => resolve()));

    const switched = await ada.mutate("teams.switch", { teamId: teams.teamB.id });
    expect(switched.status).toBe(200);
    expect(await within(oldPage.ended, "the old page's end")).toMatch(TEAM_CHANGED);
    await within(pageClosed, "the old page socket closing");
    await within(logsClosed, "the old /logs socket closing");

    const newPage = await uiPage(ada.cookie ?? "");
    await deployInB();
    await waitFor(() => newPage.events.some((event) => event.name === "apps:changed"), {
      what: "the page opened after the switch to hear B's deployment",
      timeoutMs: 5_000,
    });
    expect(oldPage.events.filter((event) => event.name === "apps:changed")).toEqual([]);
    // Told once, and not as a sign-out (which would send the page to the sign-in form).
    expect(oldPage.events.map((event) => event.name)).toEqual(["team:changed"]);
  });
});
