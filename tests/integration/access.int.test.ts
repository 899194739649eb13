// Accounts, sessions and audit, through the real portal's HTTP API.

import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";

let portal: Portal;
let admin: ApiClient;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

async function auditActions(): Promise<
  { action: string; outcome: string; actorEmail: string | null; details: string }[]
> {
  return sql(portal.databaseUrl, `SELECT action, outcome, "actorEmail", details FROM "AuditEvent" ORDER BY id`);
}

describe("first-run setup", () => {
  it("signs the new admin in and cannot be replayed", async () => {
    const status = await admin.query<{ setupRequired: boolean; user: { email: string; role: string } }>("auth.status");
    expect(status.data).toMatchObject({ setupRequired: false, user: { email: ADMIN.email, role: "admin" } });

    const again = await new ApiClient(portal.url).mutate("auth.setup", { ...ADMIN, email: "intruder@example.com" });
    expect(again.status).toBe(409);
    expect(again.error?.message).toMatch(/already set up/);
    const users = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "User"`);
    expect(Number(users[0]?.n)).toBe(1);
  });

  it("stores an Argon2id hash, never the password", async () => {
    const [row] = await sql<{ passwordHash: string }>(
      portal.databaseUrl,
      `SELECT "passwordHash" FROM "User" WHERE email = $1`,
      [ADMIN.email],
    );
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row?.passwordHash).not.toContain(ADMIN.password);
  });
});

describe("sign-in", () => {
  it("refuses a wrong password with a clear message and audits it", async () => {
    const client = new ApiClient(portal.url);
    const result = await client.signIn(ADMIN.email, "not the password at all");
    expect(result.status).toBe(401);
    expect(result.error?.message).toBe("That email and password do not match an active account.");
    expect(client.cookie).toBeUndefined();
    const events = await auditActions();
    expect(events).toContainEqual(
      expect.objectContaining({ action: "session.create", outcome: "failure", actorEmail: ADMIN.email }),
    );
  });

  it("rate-limits repeated failures for an account, even when the right password follows", async () => {
    await admin.mutate("users.create", {
      email: "target@example.com",
      name: "Target",
      password: "target-password-1",
      role: "viewer",
    });
    const client = new ApiClient(portal.url);
    for (let i = 0; i < 5; i++)
      expect((await client.signIn("target@example.com", `wrong-${i}-password`)).status).toBe(401);
    const limited = await client.signIn("target@example.com", "target-password-1");
    expect(limited.status).toBe(429);
    expect(limited.error?.message).toMatch(/Too many failed sign-in attempts\. Try again in \d+ minutes?\./);
    const events = await auditActions();
    expect(events.filter((e) => e.action === "session.create" && e.outcome === "denied").length).toBeGreaterThan(0);
  });

  it("sets an httpOnly session cookie, and sign-out ends the session", async () => {
    const client = new ApiClient(portal.url);
    const res = await fetch(`${portal.url}/api/trpc/auth.signIn`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    client.cookie = cookie.split(";")[0];
    expect((await client.query("users.list")).status).toBe(200);
    const stale = client.cookie;
    expect((await client.mutate("auth.signOut")).status).toBe(200);
    client.cookie = stale;
    const after = await client.query("users.list");
    expect(after.status).toBe(401);
  });
});

describe("user administration", () => {
  it("refuses bad input with the field's message and creates nothing", async () => {
    const before = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "User"`);
    const result = await admin.mutate("users.create", {
      email: "not-an-email",
      name: "",
      password: "short",
      role: "emperor",
    });
    expect(result.status).toBe(400);
    expect(result.error?.data?.fieldErrors).toMatchObject({
      email: ["Enter an email address such as ada@example.com."],
      password: ["Use at least 12 characters for the password."],
    });
    expect(result.error?.data?.fieldErrors?.role?.[0]).toMatch(
      /Role must be one of: viewer, operator, approver, admin/,
    );
    const after = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "User"`);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it("refuses a duplicate email", async () => {
    const result = await admin.mutate("users.create", {
      email: ADMIN.email,
      name: "Twin",
      password: "another-password",
      role: "viewer",
    });
    expect(result.status).toBe(409);
    expect(result.error?.message).toBe(`A user with the email ${ADMIN.email} already exists.`);
  });

  it("changes a role and audits from and to", async () => {
    const created = await admin.mutate<{ id: string }>("users.create", {
      email: "role@example.com",
      name: "Rolf",
      password: "role-password-1",
      role: "viewer",
    });
    const userId = created.data?.id;
    expect((await admin.mutate("users.setRole", { userId, role: "operator" })).status).toBe(200);
    const person = new ApiClient(portal.url);
    await person.signIn("role@example.com", "role-password-1");
    const status = await person.query<{ user: { role: string } }>("auth.status");
    expect(status.data?.user.role).toBe("operator");
    const event = (await auditActions()).find((e) => e.action === "users.role.update");
    expect(JSON.parse(event?.details ?? "{}")).toMatchObject({
      from: "viewer",
      to: "operator",
      email: "role@example.com",
    });
  });

  it("keeps the last admin: cannot demote or disable the only one", async () => {
    const status = await admin.query<{ user: { id: string } }>("auth.status");
    const me = status.data?.user.id;
    const demote = await admin.mutate("users.setRole", { userId: me, role: "viewer" });
    expect(demote.status).toBe(409);
    expect(demote.error?.message).toMatch(/last active admin/);
    expect((await admin.mutate("users.setDisabled", { userId: me, disabled: true })).status).toBe(409);
  });

  it("disabling a user ends their sessions and their live socket at once", async () => {
    const created = await admin.mutate<{ id: string }>("users.create", {
      email: "leaver@example.com",
      name: "Leaver",
      password: "leaver-password",
      role: "operator",
    });
    const leaver = new ApiClient(portal.url);
    expect((await leaver.signIn("leaver@example.com", "leaver-password")).status).toBe(200);
    const socket = io(`${portal.url}/ui`, {
      transports: ["websocket"],
      extraHeaders: { cookie: leaver.cookie ?? "", origin: portal.url },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const ended = new Promise<{ reason: string }>((resolve) => socket.once("session:ended", resolve));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));

    expect((await admin.mutate("users.setDisabled", { userId: created.data?.id, disabled: true })).status).toBe(200);
    expect((await ended).reason).toMatch(/session has ended/);
    expect(await disconnected).toBe("io server disconnect");
    expect((await leaver.query("users.list")).status).toBe(401);
    expect((await new ApiClient(portal.url).signIn("leaver@example.com", "leaver-password")).status).toBe(401);
    socket.close();

    expect((await admin.mutate("users.setDisabled", { userId: created.data?.id, disabled: false })).status).toBe(200);
    expect((await new ApiClient(portal.url).signIn("leaver@example.com", "leaver-password")).status).toBe(200);
    const actions = (await auditActions()).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["users.disable", "users.enable"]));
  });
});

describe("audit trail", () => {
  it("lists and filters events for auditors", async () => {
    const all = await admin.query<{ events: { action: string }[] }>("audit.list", {});
    expect(all.status).toBe(200);
    expect(all.data?.events.length).toBeGreaterThan(3);
    const failures = await admin.query<{ events: { outcome: string }[] }>("audit.list", { outcome: "failure" });
    expect(failures.data?.events.length).toBeGreaterThan(0);
    expect(failures.data?.events.every((e) => e.outcome === "failure")).toBe(true);
    const users = await admin.query<{ events: { action: string }[] }>("audit.list", { action: "users.*" });
    expect(users.data?.events.every((e) => e.action.startsWith("users."))).toBe(true);
  });

  it("is append-only in the database itself", async () => {
    await expect(sql(portal.databaseUrl, `UPDATE "AuditEvent" SET outcome = 'success'`)).rejects.toThrow(/append-only/);
    await expect(sql(portal.databaseUrl, `DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
  });
});
