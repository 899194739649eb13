// The one gate for browser sockets (apps/web/src/server/realtime/browser-gate.ts), against the real
// portal, agent and Docker engine: a table over every browser namespace (/ui, /logs, /terminal) ×
// {no cookie, foreign Origin, signed out, role lowered, shell grant removed, disabled, team switched,
// second factor required}. Each cell is
// a refused handshake, or a live page/stream/shell that ends within 2 s; every refusal is audited.
// Cells where the change does not touch what the namespace needs say so, and check that the
// connection keeps working (nothing is silently skipped).
import type { ViewerEnd } from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { deployTestApp, enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, removeTestContainers, runTestContainer } from "../support/docker.ts";
import { waitForListedContainer } from "../support/inventory.ts";
import { LogViewerClient } from "../support/log-viewer.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";
import { openContainerShell, type TerminalClient } from "../support/terminal-client.ts";
import { waitFor } from "../support/wait-for.ts";

const NAMESPACES = ["/ui", "/logs", "/terminal"] as const;
type Namespace = (typeof NAMESPACES)[number];
const CHANGES = [
  "no cookie",
  "foreign Origin",
  "signed out",
  "role lowered",
  "shell grant removed",
  "disabled",
  // The session now works in another of the person's teams (decision 045).
  "team switched",
  // An admin made the person's role one that must use a second factor, and they have none.
  "second factor required",
] as const;
type Change = (typeof CHANGES)[number];

/** What a person notices in each cell. */
type Outcome = { kind: "refused" } | { kind: "ended" } | { kind: "not applicable"; why: string };

const refused: Outcome = { kind: "refused" };
const ended: Outcome = { kind: "ended" };

const TABLE: Record<Namespace, Record<Change, Outcome>> = {
  "/ui": {
    "no cookie": refused,
    "foreign Origin": refused,
    "signed out": ended,
    "role lowered": {
      kind: "not applicable",
      why: "every role reads the portal: the page stays connected and is told to refresh what it offers",
    },
    "shell grant removed": { kind: "not applicable", why: "the page socket does not need the shell grant" },
    disabled: ended,
    "team switched": ended,
    "second factor required": ended,
  },
  "/logs": {
    "no cookie": refused,
    "foreign Origin": refused,
    "signed out": ended,
    "role lowered": ended,
    "shell grant removed": { kind: "not applicable", why: "reading logs does not need the shell grant" },
    disabled: ended,
    "team switched": ended,
    "second factor required": ended,
  },
  "/terminal": {
    "no cookie": refused,
    "foreign Origin": refused,
    "signed out": ended,
    "role lowered": ended,
    "shell grant removed": ended,
    disabled: ended,
    "team switched": ended,
    "second factor required": ended,
  },
};

const WITHIN_MS = 2_000;
const PROMPT = /[#$] /;

let portal: Portal;
let admin: ApiClient;
let host: TestHost;
/** A container writing a numbered line every 50 ms (for log streams). */
let ticker = "";
/** The app container Wheelhouse runs for the team (operators with the grant may open a shell in it). */
let appBox = "";
let people = 0;
let firstTeamId = "";
/** A second team, made by the first admin in a session of their own that works there. */
let otherTeam: { id: string };
let otherAdmin: ApiClient;
/** Anonymous refusals are counted per address and window (audit/refusal-tally.ts): each case its own address. */
let nextAddress = 20;

interface Person {
  id: string;
  email: string;
  client: ApiClient;
  /** The session cookie as signed in (the client's jar drops it at sign-out; a stale page keeps it). */
  cookie: string;
}

/** A fresh operator with the container shell grant, signed in. */
async function newPerson(): Promise<Person> {
  people += 1;
  const email = `gate${people}@example.com`;
  const password = `gate-password-${people}x`;
  const created = await admin.mutate<{ id: string }>("users.create", {
    email,
    name: `Gate ${people}`,
    password,
    role: "operator",
  });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  const granted = await admin.mutate("users.setShellGrant", { userId: created.data.id, granted: true });
  if (granted.status !== 200) throw new Error(JSON.stringify(granted.error));
  const client = new ApiClient(portal.url);
  await client.signIn(email, password);
  return { id: created.data.id, email, client, cookie: client.cookie ?? "" };
}

function loopbackAddress(): string {
  nextAddress += 1;
  return `127.0.0.${nextAddress}`;
}

/** Opens a raw socket as a page would; resolves when connected, rejects with the refusal. */
function connect(
  namespace: Namespace,
  options: { cookie?: string; origin?: string; localAddress?: string },
): Promise<Socket> {
  const socket = io(`${portal.url}${namespace}`, {
    transports: ["websocket"],
    reconnection: false,
    // Each connection is its own page: never share a cached Manager (and its headers) with another.
    forceNew: true,
    auth: { token: `wht_${"A".repeat(43)}` },
    extraHeaders: { origin: options.origin ?? portal.url, ...(options.cookie ? { cookie: options.cookie } : {}) },
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

async function auditRows(where: string, params: unknown[]) {
  const rows = await sql<{
    action: string;
    outcome: string;
    actorEmail: string | null;
    ip: string | null;
    details: string;
  }>(
    portal.databaseUrl,
    `SELECT action, outcome, "actorEmail", ip, details FROM "AuditEvent" WHERE ${where} ORDER BY id`,
    params,
  );
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}

/** The audited refusal of a handshake, found by the address it came from (anonymous) or its person. */
async function socketRefusal(namespace: Namespace, by: { ip?: string; email?: string }) {
  const rows = await auditRows(`action = 'socket.connect' AND outcome = 'denied'`, []);
  return rows.filter(
    (row) =>
      row.details.namespace === namespace &&
      (by.ip === undefined || row.ip === by.ip) &&
      (by.email === undefined || row.actorEmail === by.email),
  );
}

function withinLimit<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${WITHIN_MS} ms`)), WITHIN_MS),
    ),
  ]);
}

/** What each namespace's page holds, how it notices the end, and how to show it still works. */
interface Held {
  /** Resolves with the sentence the page was given when the server ended it. */
  ended: Promise<string>;
  stillWorks(): Promise<void>;
  close(): void;
  /** /ui only: the "access:changed" hints the page received. */
  accessChanged?: unknown[];
}

async function hold(namespace: Namespace, person: Person): Promise<Held> {
  if (namespace === "/ui") {
    const socket = await connect("/ui", { cookie: person.client.cookie ?? "" });
    const accessChanged: unknown[] = [];
    socket.on("access:changed", (event: unknown) => accessChanged.push(event));
    // Signed out: "session:ended"; another team: "team:changed"; a factor now required: "access:changed"
    // with the sentence (a role change sends it with the new role only, and the page stays).
    const endedBy = new Promise<string>((resolve) => {
      socket.once("session:ended", ({ reason }: { reason: string }) => resolve(reason));
      socket.once("team:changed", ({ reason }: { reason: string }) => resolve(reason));
      socket.on("access:changed", (event: { reason?: string }) => {
        if (event.reason) resolve(event.reason);
      });
    });
    return {
      ended: endedBy,
      stillWorks: async () => {
        expect(socket.connected).toBe(true);
      },
      close: () => socket.close(),
      accessChanged,
    };
  }
  if (namespace === "/logs") {
    const viewer = new LogViewerClient(portal.url, person.client.cookie ?? "");
    const reply = await viewer.subscribe({
      streamId: "gate",
      target: { kind: "container", hostId: host.id, containerId: ticker },
      start: { tail: 0 },
    });
    expect(reply).toMatchObject({ ok: true });
    await waitFor(() => viewer.lines.length >= 3, { what: "the first lines", timeoutMs: 10_000, intervalMs: 50 });
    const endedBy = waitFor(() => viewer.ends.length > 0, {
      what: "the stream's end",
      timeoutMs: 60_000,
      intervalMs: 50,
    }).then(() => {
      const end = viewer.ends[0] as ViewerEnd;
      expect(end.reason).toBe("error");
      return end.message ?? "";
    });
    return {
      ended: endedBy,
      stillWorks: async () => {
        const seen = viewer.lines.length;
        await waitFor(() => viewer.lines.length > seen + 3, {
          what: "more lines after the change",
          timeoutMs: 5_000,
          intervalMs: 50,
        });
        expect(viewer.ends).toHaveLength(0);
      },
      close: () => viewer.close(),
    };
  }
  const shell: TerminalClient = await openContainerShell(person.client, host.id, appBox);
  await shell.waitFor(PROMPT);
  return {
    ended: shell.ended.then((end) => {
      expect(end.reason).toBe("revoked");
      return end.message;
    }),
    stillWorks: async () => {
      shell.send("echo still-here\r");
      await shell.waitFor("still-here");
    },
    close: () => shell.close(),
  };
}

async function applyChange(change: Change, person: Person): Promise<void> {
  if (change === "team switched") {
    await switchTo(person, otherTeam.id);
    return;
  }
  if (change === "second factor required") {
    // Operators must use one from now on; restored by the test's clean-up (requireFactorOf).
    await requireFactorOf(["operator"]);
    return;
  }
  const result =
    change === "signed out"
      ? await person.client.mutate("auth.signOut")
      : change === "role lowered"
        ? await admin.mutate("users.setRole", { userId: person.id, role: "viewer" })
        : change === "shell grant removed"
          ? await admin.mutate("users.setShellGrant", { userId: person.id, granted: false })
          : await admin.mutate("users.setDisabled", { userId: person.id, disabled: true });
  expect(result.status, JSON.stringify(result.error)).toBe(200);
}

async function switchTo(person: Person, teamId: string): Promise<void> {
  const switched = await person.client.mutate("teams.switch", { teamId });
  expect(switched.status, JSON.stringify(switched.error)).toBe(200);
}

async function requireFactorOf(roles: string[]): Promise<void> {
  const saved = await admin.mutate("auth.saveSecondFactorPolicy", { roles });
  expect(saved.status, JSON.stringify(saved.error)).toBe(200);
}

/**
 * Makes the person a member of the other team too (invited there, joined signed in as themselves,
 * which moves their session there), then back to the first team, where their sockets will open.
 */
async function joinOtherTeam(person: Person): Promise<void> {
  const invite = await otherAdmin.mutate<{ link: string }>("invites.create", { email: person.email, role: "operator" });
  if (!invite.data) throw new Error(JSON.stringify(invite.error));
  const token = invite.data.link.split("/").at(-1);
  const joined = await person.client.mutate("invites.join", { token });
  expect(joined.status, JSON.stringify(joined.error)).toBe(200);
  await switchTo(person, firstTeamId);
}

/** A new page's subscription to the ticker's log, after the change: what it was answered. */
async function subscribeAgain(person: Person) {
  const viewer = new LogViewerClient(portal.url, person.client.cookie ?? "");
  try {
    return await viewer.subscribe({
      streamId: "again",
      target: { kind: "container", hostId: host.id, containerId: ticker },
      start: { tail: 0 },
    });
  } finally {
    viewer.close();
  }
}

/** After a live end: what a second attempt gets, and the audit event that refusal wrote. */
async function expectRefusedAfter(namespace: Namespace, change: Change, person: Person): Promise<void> {
  if (change === "team switched") {
    // Working in the other team, the first team's container is not there for them: as if it did not exist.
    if (namespace === "/logs") {
      // An operator there too, so the role allows reading logs: the container is simply not found.
      expect(await subscribeAgain(person)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    } else if (namespace === "/terminal") {
      const again = await person.client.mutate("terminal.openContainer", {
        hostId: host.id,
        containerId: appBox,
        size: { cols: 80, rows: 24 },
      });
      // Without the shell grant in the other team: refused by it, or the host is not found there.
      expect([403, 404]).toContain(again.status);
    } else {
      // The page reconnects in the other team: admitted, and in that team's rooms only.
      const socket = await connect("/ui", { cookie: person.client.cookie ?? "" });
      socket.close();
    }
    return;
  }
  if (change === "second factor required") {
    // Until they enrol, every socket is refused at the handshake, and the refusal is audited.
    await expect(connect(namespace, { cookie: person.client.cookie ?? "" })).rejects.toThrow(/second factor/);
    const rows = await auditRows(`outcome = 'denied' AND "actorEmail" = $1`, [person.email]);
    expect(rows.map((row) => row.details.reason)).toContain("second factor not set up");
    return;
  }
  if (change === "signed out" || change === "disabled") {
    // The page tries again with its old cookie: refused, audited from its address.
    const localAddress = loopbackAddress();
    await expect(connect(namespace, { cookie: person.cookie, localAddress })).rejects.toThrow(/session has ended/);
    const rows = await socketRefusal(namespace, { ip: localAddress });
    expect(rows.map((row) => row.details.reason)).toEqual(["signed out, expired or disabled"]);
    return;
  }
  if (namespace === "/logs") {
    // A viewer keeps the page socket but may not subscribe: refused and audited as logs.read.
    expect(await subscribeAgain(person)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const rows = await auditRows(`action = 'logs.read' AND outcome = 'denied' AND "actorEmail" = $1`, [person.email]);
    expect(rows).toHaveLength(1);
    return;
  }
  // /terminal: a new shell is refused, and the refusal audited.
  const again = await person.client.mutate("terminal.openContainer", {
    hostId: host.id,
    containerId: appBox,
    size: { cols: 80, rows: 24 },
  });
  expect(again.status).toBe(403);
  const rows = await auditRows(`action = 'containers.shell' AND outcome = 'denied' AND "actorEmail" = $1`, [
    person.email,
  ]);
  expect(rows.length).toBeGreaterThanOrEqual(1);
}

async function expectShellRecordedRevoked(email: string): Promise<void> {
  // The row and the close event are written as the session ends (terminal-manager finish()).
  const rows = await waitFor(
    () =>
      sql<{ endReason: string | null }>(
        portal.databaseUrl,
        `SELECT "endReason" FROM "TerminalSession" WHERE "userEmail" = $1`,
        [email],
      ),
    {
      what: `${email}'s terminal sessions to be recorded as ended`,
      timeoutMs: WITHIN_MS,
      until: (found) => found.length > 0 && found.every((row) => row.endReason !== null),
    },
  );
  expect(rows.map((row) => row.endReason)).toEqual(["revoked"]);
  // The audit event follows the row's update (terminal-records.ts), so it may land a moment later.
  const closed = await waitFor(() => auditRows(`action = 'terminal.close' AND "actorEmail" = $1`, [email]), {
    what: `${email}'s terminal.close audit event`,
    timeoutMs: WITHIN_MS,
    until: (found) => found.length > 0,
  });
  expect(closed.map((row) => row.details.reason)).toEqual(["revoked"]);
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: npm test starts one (scripts/system/docker-engine.sh start).");
  await ensureTestAppImage("v1");
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "gate-host");
  const me = await admin.query<{ team: { id: string } }>("account.me");
  if (!me.data) throw new Error(JSON.stringify(me.error));
  firstTeamId = me.data.team.id;
  const created = await admin.mutate<{ id: string }>("teams.create", { name: "Gate other team" });
  if (!created.data) throw new Error(JSON.stringify(created.error));
  otherTeam = created.data;
  otherAdmin = new ApiClient(portal.url);
  await otherAdmin.signIn(ADMIN.email, ADMIN.password);
  const moved = await otherAdmin.mutate("teams.switch", { teamId: otherTeam.id });
  if (moved.status !== 200) throw new Error(JSON.stringify(moved.error));
  const counter = await runTestContainer({
    command: ["sh", "-c", "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.05; done"],
  });
  ticker = counter.id;
  const rest = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
  appBox = await deployTestApp(rest, "gateapp", host.id);
  // Both containers must be in the portal's inventory before a stream or a shell can name them.
  await waitForListedContainer(admin, host.id, ticker);
  await waitForListedContainer(admin, host.id, appBox);
}, 180_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await removeTestContainers();
  await portal?.stop();
});

describe("one gate for every browser socket", () => {
  for (const namespace of NAMESPACES) {
    for (const change of CHANGES) {
      const outcome = TABLE[namespace][change];
      const title =
        outcome.kind === "not applicable"
          ? `${namespace} × ${change}: not applicable (${outcome.why}); the connection keeps working`
          : `${namespace} × ${change}: ${outcome.kind === "refused" ? "refused and audited" : `ended within ${WITHIN_MS} ms`}`;

      it(title, async () => {
        if (change === "no cookie") {
          const localAddress = loopbackAddress();
          await expect(connect(namespace, { localAddress })).rejects.toThrow(/Sign in to continue/);
          const rows = await socketRefusal(namespace, { ip: localAddress });
          expect(rows.map((row) => row.details.reason)).toEqual(["no session cookie"]);
          return;
        }
        const person = await newPerson();
        if (change === "foreign Origin") {
          await expect(
            connect(namespace, { cookie: person.client.cookie ?? "", origin: "https://evil.example" }),
          ).rejects.toThrow(/origin/);
          const rows = await socketRefusal(namespace, { email: person.email });
          expect(rows.map((row) => [row.details.reason, row.details.origin])).toEqual([
            ["foreign origin", "https://evil.example"],
          ]);
          return;
        }

        if (change === "team switched") await joinOtherTeam(person);
        const held = await hold(namespace, person);
        try {
          await applyChange(change, person);
          if (outcome.kind === "not applicable") {
            if (namespace === "/ui" && change === "role lowered") {
              const events = held.accessChanged ?? [];
              await waitFor(() => events.length > 0, {
                what: "the page told its access changed",
                timeoutMs: WITHIN_MS,
                intervalMs: 50,
              });
              expect(events[0]).toEqual({ role: "viewer" });
            }
            await held.stillWorks();
            return;
          }
          const message = await withinLimit(held.ended, `${namespace} ended after "${change}"`);
          expect(message).toMatch(
            change === "signed out" || change === "disabled"
              ? /session has ended|access changed/
              : namespace === "/terminal"
                ? /owner's access changed/
                : change === "team switched"
                  ? /another team/
                  : change === "second factor required"
                    ? /must use a second factor/
                    : /no longer|access changed/,
          );
          if (namespace === "/terminal") await expectShellRecordedRevoked(person.email);
          await expectRefusedAfter(namespace, change, person);
        } finally {
          held.close();
          if (change === "second factor required") await requireFactorOf([]);
        }
      }, 60_000);
    }
  }

  it("closes a shell nobody is attached to (its tab reloading) when its owner's role is lowered", async () => {
    const person = await newPerson();
    const shell = await openContainerShell(person.client, host.id, appBox);
    await shell.waitFor(PROMPT);
    shell.close();
    // The session waits in its grace period for the tab to come back.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const [open] = await sql<{ endedAt: unknown }>(
      portal.databaseUrl,
      `SELECT "endedAt" FROM "TerminalSession" WHERE "userEmail" = $1`,
      [person.email],
    );
    expect(open?.endedAt).toBeNull();
    await applyChange("role lowered", person);
    await expectShellRecordedRevoked(person.email);
  });
});
