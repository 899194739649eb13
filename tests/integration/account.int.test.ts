// One's own account (issue 16, item 2), through the real portal: changing one's password ends the
// person's other sessions and their open sockets within 2 s, the current session stays; the
// sessions list shows device, address and which is this one; a session can be ended by its owner
// only. Over tRPC (as the Account page calls it) and REST (as scripts do).

import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_WINDOWS =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

interface OwnSession {
  id: string;
  device: string;
  address: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

let portal: Portal;
let admin: ApiClient;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

async function addMember(email: string, password: string): Promise<string> {
  const created = await admin.mutate<{ id: string }>("users.create", {
    email,
    name: email,
    password,
    role: "operator",
  });
  if (!created.data) throw new Error(`could not add ${email}: ${JSON.stringify(created.error)}`);
  return created.data.id;
}

/** Signs in as a browser would, with its own User-Agent; a client holding that session's cookie. */
async function signInAs(email: string, password: string, userAgent: string): Promise<ApiClient> {
  const res = await fetch(`${portal.url}/api/trpc/auth.signIn`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent },
    body: JSON.stringify({ email, password }),
  });
  await res.text();
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}`);
  const client = new ApiClient(portal.url);
  client.cookie = res.headers.get("set-cookie")?.split(";")[0];
  return client;
}

async function openUiSocket(client: ApiClient): Promise<Socket> {
  const socket = io(`${portal.url}/ui`, {
    transports: ["websocket"],
    forceNew: true,
    extraHeaders: { cookie: client.cookie ?? "", origin: portal.url },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

async function signedIn(client: ApiClient): Promise<boolean> {
  const status = await client.query<{ user: { email: string } | null }>("auth.status");
  return status.data?.user != null;
}

async function passwordHashOf(email: string): Promise<string | undefined> {
  const rows = await sql<{ passwordHash: string }>(
    portal.databaseUrl,
    `SELECT "passwordHash" FROM "User" WHERE email = $1`,
    [email],
  );
  return rows[0]?.passwordHash;
}

async function sessionCount(email: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    portal.databaseUrl,
    `SELECT COUNT(*) AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
    [email],
  );
  return Number(rows[0]?.n);
}

async function auditOf(action: string): Promise<{ outcome: string; actorEmail: string | null; details: string }[]> {
  return sql(
    portal.databaseUrl,
    `SELECT outcome, "actorEmail", details FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

describe("changing one's password", () => {
  const email = "pat@example.com";
  const oldPassword = "pat-old-password";
  const newPassword = "pat-new-password-2";
  let here: ApiClient;
  let elsewhere: ApiClient;
  let socket: Socket | undefined;

  beforeAll(async () => {
    await addMember(email, oldPassword);
    here = await signInAs(email, oldPassword, FIREFOX_LINUX);
    elsewhere = await signInAs(email, oldPassword, CHROME_WINDOWS);
  });
  afterAll(() => {
    socket?.close();
  });

  it("lists both sessions with device and address, marks this one, and shows no token or stored hash", async () => {
    const listed = await here.query<{ sessions: OwnSession[] }>("account.sessions");
    expect(listed.status).toBe(200);
    const sessions = listed.data?.sessions ?? [];
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => s.device).sort()).toEqual(["Chrome 126 on Windows", "Firefox 128 on Linux"]);
    // This session first, then the others.
    expect(sessions[0]).toMatchObject({ current: true, device: "Firefox 128 on Linux" });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    for (const session of sessions) {
      expect(session.id).toMatch(/^[0-9a-f]{16}$/);
      expect(session.address).toMatch(/127\.0\.0\.1$/);
      expect(Date.parse(session.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    }
    // The other device sees the same sessions with the other one marked, under the same handles.
    const fromElsewhere = await elsewhere.query<{ sessions: OwnSession[] }>("account.sessions");
    expect(fromElsewhere.data?.sessions.find((s) => s.current)?.device).toBe("Chrome 126 on Windows");
    expect(fromElsewhere.data?.sessions.map((s) => s.id).sort()).toEqual(sessions.map((s) => s.id).sort());

    const stored = await sql<{ id: string }>(portal.databaseUrl, `SELECT id FROM "Session"`);
    const text = JSON.stringify(listed.data);
    for (const row of stored) expect(text).not.toContain(row.id.slice(0, 16));
    for (const client of [here, elsewhere]) expect(text).not.toContain(client.cookie?.split("=")[1]);
  });

  it("refuses a wrong current password with a sentence, audits it, and changes nothing", async () => {
    const hashBefore = await passwordHashOf(email);
    const refused = await here.mutate("account.changePassword", {
      currentPassword: "not-my-password",
      newPassword,
    });
    expect(refused.status).toBe(400);
    expect(refused.error?.message).toBe("That is not your current password. Nothing was changed.");
    expect(await passwordHashOf(email)).toBe(hashBefore);
    expect(await signedIn(elsewhere)).toBe(true);
    expect(await sessionCount(email)).toBe(2);
    expect(await auditOf("account.password.change")).toEqual([
      expect.objectContaining({
        outcome: "failure",
        actorEmail: email,
        details: expect.stringContaining("wrong_password"),
      }),
    ]);

    const same = await here.mutate("account.changePassword", {
      currentPassword: oldPassword,
      newPassword: oldPassword,
    });
    expect(same.status).toBe(400);
    expect(same.error?.message).toBe("Choose a new password that differs from the current one.");
    const short = await here.mutate("account.changePassword", { currentPassword: oldPassword, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.error?.message).toMatch(/at least 12 characters/);
    expect(await passwordHashOf(email)).toBe(hashBefore);
  });

  it("with the right one: ends the other session and its socket within 2 s, keeps this one and the API keys", async () => {
    const key = await apiKeyFor(portal.url, email, oldPassword);
    socket = await openUiSocket(elsewhere);
    const open = socket;
    const ended = new Promise<{ reason: string }>((resolve) => open.once("session:ended", resolve));
    const disconnected = new Promise<string>((resolve) => open.once("disconnect", resolve));

    const startedAt = Date.now();
    const changed = await here.mutate<{ ok: boolean; endedSessions: number }>("account.changePassword", {
      currentPassword: oldPassword,
      newPassword,
    });
    expect(changed.status).toBe(200);
    expect(changed.data).toEqual({ ok: true, endedSessions: 1 });
    // The other session's cookie is refused at once, on the next request.
    expect((await elsewhere.query("users.list")).status).toBe(401);
    expect(await signedIn(elsewhere)).toBe(false);
    const within2s = <T>(promise: Promise<T>) =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("not within 2 s")), 2_000 - (Date.now() - startedAt)),
        ),
      ]);
    expect((await within2s(ended)).reason).toMatch(/session has ended/);
    expect(await within2s(disconnected)).toBe("io server disconnect");
    expect(Date.now() - startedAt).toBeLessThan(2_000);

    expect(await signedIn(here)).toBe(true);
    expect((await here.query("users.list")).status).toBe(200);
    const listed = await here.query<{ sessions: OwnSession[] }>("account.sessions");
    expect(listed.data?.sessions).toEqual([expect.objectContaining({ current: true, device: "Firefox 128 on Linux" })]);
    expect((await key.call("GET", "/me")).status).toBe(200);

    expect((await new ApiClient(portal.url).signIn(email, oldPassword)).status).toBe(401);
    expect((await new ApiClient(portal.url).signIn(email, newPassword)).status).toBe(200);
    expect((await auditOf("account.password.change")).at(-1)).toMatchObject({
      outcome: "success",
      actorEmail: email,
      details: JSON.stringify({ endedSessions: 1 }),
    });
  });

  it("stops guessing: after 5 wrong current passwords even the right one is refused for a while", async () => {
    const guesser = "guess@example.com";
    await addMember(guesser, "guess-password-1");
    const client = await signInAs(guesser, "guess-password-1", FIREFOX_LINUX);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const wrong = await client.mutate("account.changePassword", { currentPassword: `wrong-${attempt}`, newPassword });
      expect(wrong.status).toBe(400);
    }
    const hashBefore = await passwordHashOf(guesser);
    const limited = await client.mutate("account.changePassword", { currentPassword: "guess-password-1", newPassword });
    expect(limited.status).toBe(429);
    expect(limited.error?.message).toMatch(/^Too many wrong current passwords\. Try again in \d+ minutes?\.$/);
    expect(await passwordHashOf(guesser)).toBe(hashBefore);
    expect((await auditOf("account.password.change")).at(-1)).toMatchObject({
      outcome: "denied",
      actorEmail: guesser,
      details: expect.stringContaining("rate_limited"),
    });
    // Still signed in: a refused change signs no one out.
    expect(await signedIn(client)).toBe(true);
  });
});

describe("ending one's sessions", () => {
  const email = "sam@example.com";
  const password = "sam-password-12";

  it("ends another of one's sessions and its socket, refuses another person's (404, nothing changes)", async () => {
    await addMember(email, password);
    const here = await signInAs(email, password, FIREFOX_LINUX);
    const phone = await signInAs(email, password, CHROME_WINDOWS);
    const socket = await openUiSocket(phone);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    try {
      const listed = await here.query<{ sessions: OwnSession[] }>("account.sessions");
      const other = listed.data?.sessions.find((s) => !s.current);
      if (!other) throw new Error("the other session is not listed");

      // The admin may not end Sam's session: it is not among the admin's own.
      const foreign = await admin.mutate("account.endSession", { id: other.id });
      expect(foreign.status).toBe(404);
      expect(foreign.error?.message).toBe("That session is not one of yours, or it has already ended.");
      expect(await signedIn(phone)).toBe(true);
      expect(await sessionCount(email)).toBe(2);

      const ended = await here.mutate<{ signedOut: boolean }>("account.endSession", { id: other.id });
      expect(ended.status).toBe(200);
      expect(ended.data?.signedOut).toBe(false);
      expect(await signedIn(phone)).toBe(false);
      expect(await disconnected).toBe("io server disconnect");
      expect(await signedIn(here)).toBe(true);
      expect(await auditOf("account.sessions.end")).toContainEqual(
        expect.objectContaining({ outcome: "success", actorEmail: email }),
      );
      // Ending it again: already ended.
      expect((await here.mutate("account.endSession", { id: other.id })).status).toBe(404);
      expect((await here.mutate("account.endSession", { id: "not-a-handle" })).status).toBe(400);
    } finally {
      socket.close();
    }
  });

  it("ending this session signs out (the cookie is cleared)", async () => {
    const here = await signInAs(email, password, FIREFOX_LINUX);
    const listed = await here.query<{ sessions: OwnSession[] }>("account.sessions");
    const current = listed.data?.sessions.find((s) => s.current);
    if (!current) throw new Error("this session is not listed");
    const cookie = here.cookie;
    const ended = await here.mutate<{ signedOut: boolean }>("account.endSession", { id: current.id });
    expect(ended.data?.signedOut).toBe(true);
    expect(here.cookie).toBeUndefined();
    const stale = new ApiClient(portal.url);
    stale.cookie = cookie;
    expect(await signedIn(stale)).toBe(false);
  });

  it("is served as REST under /api/v1/account for scripts (an API key has no current session)", async () => {
    const document = (await (await fetch(`${portal.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.paths["/account/password"]?.post).toBeDefined();
    expect(document.paths["/account/sessions"]?.get).toBeDefined();
    expect(document.paths["/account/sessions/{id}"]?.delete).toBeDefined();

    const browser = await signInAs(email, password, CHROME_WINDOWS);
    const key = await apiKeyFor(portal.url, email, password);
    const listed = await key.call<{ sessions: OwnSession[] }>("GET", "/account/sessions");
    expect(listed.status).toBe(200);
    const mine = listed.body.sessions.find((s) => s.device === "Chrome 126 on Windows");
    expect(listed.body.sessions.every((s) => !s.current)).toBe(true);
    if (!mine) throw new Error("the browser session is not listed over REST");
    expect((await key.call("DELETE", `/account/sessions/${mine.id}`)).status).toBe(200);
    expect(await signedIn(browser)).toBe(false);

    const changed = await key.call<{ endedSessions: number }>("POST", "/account/password", {
      currentPassword: password,
      newPassword: "sam-password-new",
    });
    expect(changed.status).toBe(200);
    expect((await key.call("GET", "/me")).status).toBe(200);
    const refused = await key.call("POST", "/account/password", {
      currentPassword: password,
      newPassword: "sam-password-other",
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe("That is not your current password. Nothing was changed.");
  });
});
