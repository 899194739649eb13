// Invites and password reset links (issue 16), through the real portal: single use (also when two
// uses arrive at once), expiry, revocation, what a reset ends, and `npm run admin:reset` on the host.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { sql } from "../support/database.ts";
import { type Portal, repoRoot, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";

const run = promisify(execFile);

let portal: Portal;
let admin: ApiClient;

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

interface CreatedInvite {
  invite: { id: string; email: string; role: string };
  link: string;
}

async function invite(email: string, role = "operator"): Promise<CreatedInvite & { token: string }> {
  const created = await admin.mutate<CreatedInvite>("invites.create", { email, role });
  if (created.status !== 200 || !created.data) throw new Error(`invite failed: ${JSON.stringify(created.error)}`);
  return { ...created.data, token: tokenOf(created.data.link) };
}

function tokenOf(link: string): string {
  const token = link.split("/").at(-1);
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

function accept(token: string, name: string, password: string, client = new ApiClient(portal.url)) {
  return client.mutate("invites.accept", { token, name, password });
}

async function usersNamed(email: string): Promise<number> {
  const rows = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "User" WHERE email = $1`, [
    email,
  ]);
  return Number(rows[0]?.n);
}

async function audit(action: string) {
  return sql<{ outcome: string; actorEmail: string | null; details: string }>(
    portal.databaseUrl,
    `SELECT outcome, "actorEmail", details FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

describe("invites", () => {
  it("used once: the person joins with the role given and signs in with the chosen password", async () => {
    const created = await invite("grace@example.com", "operator");
    expect(created.link).toMatch(new RegExp(`^${portal.url}/invite/[A-Za-z0-9_-]{43}$`));
    const [row] = await sql<{ tokenHash: string }>(
      portal.databaseUrl,
      `SELECT "tokenHash" FROM "AccountLink" WHERE id = $1`,
      [created.invite.id],
    );
    expect(row?.tokenHash).toBe(createHash("sha256").update(created.token).digest("hex"));

    // Shown once: the list names the invite but never carries its link.
    const pending = await admin.query<{ invites: { email: string; role: string }[] }>("invites.list");
    expect(pending.data?.invites).toEqual([expect.objectContaining({ email: "grace@example.com", role: "operator" })]);
    expect(JSON.stringify(pending.data)).not.toContain(created.token);

    const info = await new ApiClient(portal.url).query("invites.info", { token: created.token });
    expect(info.data).toMatchObject({ email: "grace@example.com", team: ADMIN.teamName, role: "operator" });

    const grace = new ApiClient(portal.url);
    const accepted = await accept(created.token, "Grace Hopper", "grace-password-12", grace);
    expect(accepted.status).toBe(200);
    const status = await grace.query<{ user: { email: string; name: string; role: string } }>("auth.status");
    expect(status.data?.user).toMatchObject({ email: "grace@example.com", name: "Grace Hopper", role: "operator" });

    const again = new ApiClient(portal.url);
    expect((await again.signIn("grace@example.com", "grace-password-12")).status).toBe(200);
    const me = await again.query<{ user: { role: string } }>("auth.status");
    expect(me.data?.user.role).toBe("operator");
    expect((await admin.query<{ invites: unknown[] }>("invites.list")).data?.invites).toEqual([]);

    expect(await audit("users.invite")).toEqual([expect.objectContaining({ outcome: "success" })]);
    expect(await audit("users.invite.accept")).toContainEqual(
      expect.objectContaining({ outcome: "success", actorEmail: "grace@example.com" }),
    );
  });

  it("used twice: the second use is refused with a sentence and changes nothing", async () => {
    const created = await invite("linus@example.com", "viewer");
    expect((await accept(created.token, "Linus", "linus-password-12")).status).toBe(200);
    const second = await accept(created.token, "Mallory", "mallory-password-1");
    expect(second.status).toBe(409);
    expect(second.error?.message).toBe(
      "This invite link was already used. Sign in instead, or ask an admin of your team for a new one.",
    );
    const info = await new ApiClient(portal.url).query("invites.info", { token: created.token });
    expect(info.status).toBe(409);
    expect(info.error?.message).toMatch(/already used/);
    expect((await new ApiClient(portal.url).signIn("linus@example.com", "mallory-password-1")).status).toBe(401);
    const refused = (await audit("users.invite.accept")).filter((e) => e.outcome === "failure");
    expect(refused.map((e) => JSON.parse(e.details))).toContainEqual({ email: "linus@example.com", reason: "used" });
  });

  it("used twice at once: exactly one use wins, the other is refused", async () => {
    const created = await invite("race@example.com", "viewer");
    const results = await Promise.all([
      accept(created.token, "First", "first-password-12"),
      accept(created.token, "Second", "second-password-1"),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409);
    expect(loser?.error?.message).toMatch(/^This invite link was already used\./);
    expect(await usersNamed("race@example.com")).toBe(1);
    const winner = results[0]?.status === 200 ? "first-password-12" : "second-password-1";
    expect((await new ApiClient(portal.url).signIn("race@example.com", winner)).status).toBe(200);
  });

  it("expired: refused with a sentence", async () => {
    const created = await invite("late@example.com");
    await sql(portal.databaseUrl, `UPDATE "AccountLink" SET "expiresAt" = $1 WHERE id = $2`, [
      portal.databaseUrl.startsWith("file:") ? Date.now() - 1_000 : new Date(Date.now() - 1_000),
      created.invite.id,
    ]);
    const info = await new ApiClient(portal.url).query("invites.info", { token: created.token });
    expect(info.error?.message).toBe("This invite link has expired. Ask an admin of your team for a new one.");
    const used = await accept(created.token, "Late", "late-password-123");
    expect(used.status).toBe(409);
    expect(used.error?.message).toMatch(/has expired/);
    expect(await usersNamed("late@example.com")).toBe(0);
    expect((await admin.query<{ invites: { email: string }[] }>("invites.list")).data?.invites).toEqual([]);
  });

  it("revoked, or replaced by a newer invite: refused with a sentence", async () => {
    const first = await invite("ken@example.com", "viewer");
    const second = await invite("ken@example.com", "approver");
    const replaced = await accept(first.token, "Ken", "ken-password-123");
    expect(replaced.status).toBe(409);
    expect(replaced.error?.message).toBe("This invite link was revoked. Ask an admin of your team for a new one.");

    const revoked = await admin.mutate("invites.revoke", { id: second.invite.id });
    expect(revoked.status).toBe(200);
    const used = await accept(second.token, "Ken", "ken-password-123");
    expect(used.status).toBe(409);
    expect(used.error?.message).toMatch(/was revoked/);
    expect(await usersNamed("ken@example.com")).toBe(0);
    expect((await admin.mutate("invites.revoke", { id: second.invite.id })).status).toBe(409);
    expect(await audit("users.invite.revoke")).toEqual([expect.objectContaining({ outcome: "success" })]);
  });

  it("refuses an email that is already a member, and a link that was never made", async () => {
    const member = await admin.mutate("invites.create", { email: ADMIN.email, role: "viewer" });
    expect(member.status).toBe(409);
    expect(member.error?.message).toBe(`${ADMIN.email} is already a member of ${ADMIN.teamName}.`);
    const unknown = await accept("A".repeat(43), "Eve", "eve-password-123");
    expect(unknown.status).toBe(404);
    expect(unknown.error?.message).toBe("This invite link is not valid. Ask an admin of your team for a new one.");
    const cut = await new ApiClient(portal.url).query("invites.info", { token: "short" });
    expect(cut.status).toBe(400);
    expect(cut.error?.message).toMatch(/Copy the whole link/);
  });
});

describe("password reset links", () => {
  async function resetLink(email: string): Promise<string> {
    const created = await admin.mutate<{ link: string }>("passwordReset.createLink", { email });
    if (created.status !== 200 || !created.data) throw new Error(`reset link failed: ${JSON.stringify(created.error)}`);
    return created.data.link;
  }

  it("sets the password and ends every session of the person, closing an open socket at once", async () => {
    await admin.mutate("users.create", {
      email: "rita@example.com",
      name: "Rita",
      password: "rita-old-password",
      role: "operator",
    });
    const laptop = new ApiClient(portal.url);
    const phone = new ApiClient(portal.url);
    expect((await laptop.signIn("rita@example.com", "rita-old-password")).status).toBe(200);
    expect((await phone.signIn("rita@example.com", "rita-old-password")).status).toBe(200);
    const socket = io(`${portal.url}/ui`, {
      transports: ["websocket"],
      forceNew: true,
      extraHeaders: { cookie: laptop.cookie ?? "", origin: portal.url },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));

    const link = await resetLink("rita@example.com");
    expect(link).toMatch(new RegExp(`^${portal.url}/reset/[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(link);
    const info = await new ApiClient(portal.url).query("passwordReset.info", { token });
    expect(info.data).toMatchObject({ email: "rita@example.com" });

    const started = Date.now();
    const reset = await new ApiClient(portal.url).mutate("passwordReset.reset", {
      token,
      password: "rita-new-password",
    });
    expect(reset.status).toBe(200);
    expect(await disconnected).toBe("io server disconnect");
    expect(Date.now() - started).toBeLessThan(2_000);
    socket.close();
    expect((await laptop.query("users.list")).status).toBe(401);
    expect((await phone.query("users.list")).status).toBe(401);
    expect((await new ApiClient(portal.url).signIn("rita@example.com", "rita-old-password")).status).toBe(401);
    expect((await new ApiClient(portal.url).signIn("rita@example.com", "rita-new-password")).status).toBe(200);

    const again = await new ApiClient(portal.url).mutate("passwordReset.reset", {
      token,
      password: "mallory-pass-123",
    });
    expect(again.status).toBe(409);
    expect(again.error?.message).toMatch(/^This password reset link was already used\./);
    expect(await audit("users.password.reset-link")).toContainEqual(
      expect.objectContaining({ outcome: "success", actorEmail: ADMIN.email }),
    );
    const used = await audit("users.password.reset");
    expect(used[0]).toMatchObject({ outcome: "success", actorEmail: "rita@example.com" });
    expect(JSON.parse(used[0]?.details ?? "{}")).toMatchObject({ endedSessions: 2 });
  });

  it("refuses an expired link and a non-member's email", async () => {
    const link = await resetLink("rita@example.com");
    await sql(portal.databaseUrl, `UPDATE "AccountLink" SET "expiresAt" = $1 WHERE "tokenHash" = $2`, [
      portal.databaseUrl.startsWith("file:") ? Date.now() - 1_000 : new Date(Date.now() - 1_000),
      createHash("sha256").update(tokenOf(link)).digest("hex"),
    ]);
    const late = await new ApiClient(portal.url).mutate("passwordReset.reset", {
      token: tokenOf(link),
      password: "rita-late-password",
    });
    expect(late.status).toBe(409);
    expect(late.error?.message).toMatch(/has expired \(they last one hour\)/);
    const stranger = await admin.mutate("passwordReset.createLink", { email: "nobody@example.com" });
    expect(stranger.status).toBe(404);
    expect(stranger.error?.message).toBe(`No member of ${ADMIN.teamName} has the email nobody@example.com.`);
  });

  it("npm run admin:reset prints a link that works, and names an unknown email", async () => {
    await admin.mutate("users.create", {
      email: "root@example.com",
      name: "Root",
      password: "root-old-password",
      role: "admin",
    });
    const env = {
      ...process.env,
      DATA_DIR: portal.dataDir,
      DATABASE_URL: portal.databaseUrl,
      PUBLIC_URL: portal.url,
    };
    const printed = await run("npm", ["run", "--silent", "admin:reset", "--", "root@example.com"], {
      cwd: repoRoot,
      env,
    });
    const link = printed.stdout.trim();
    expect(link).toMatch(new RegExp(`^${portal.url}/reset/[A-Za-z0-9_-]{43}$`));
    expect(printed.stderr).toMatch(/within one hour/);
    const reset = await new ApiClient(portal.url).mutate("passwordReset.reset", {
      token: tokenOf(link),
      password: "root-new-password",
    });
    expect(reset.status).toBe(200);
    expect((await new ApiClient(portal.url).signIn("root@example.com", "root-new-password")).status).toBe(200);
    expect(await audit("users.password.reset-link")).toContainEqual(
      expect.objectContaining({ outcome: "success", actorEmail: "npm run admin:reset" }),
    );

    const unknown = await run("npm", ["run", "--silent", "admin:reset", "--", "ghost@example.com"], {
      cwd: repoRoot,
      env,
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(unknown?.code).toBe(1);
    expect(unknown?.stderr).toMatch(/no member has the email ghost@example.com\. The admins are: .*admin@example\.com/);
  });
});

describe("the CLI against the real portal", () => {
  it("users invite and users reset-password print links that work", async () => {
    const home = mkdtempSync(join(tmpdir(), "wheelhouse-invites-cli-"));
    try {
      const key = await apiKeyFor(portal.url, ADMIN.email, ADMIN.password);
      const env = { WHEELHOUSE_URL: portal.url, WHEELHOUSE_TOKEN: key.token ?? "" };
      const invited = await runCli(home, ["users", "invite", "cli-person@example.com", "--role", "approver"], env);
      expect(invited.code, invited.stderr).toBe(0);
      const inviteLink = invited.stdout.trim();
      expect(inviteLink).toMatch(new RegExp(`^${portal.url}/invite/[A-Za-z0-9_-]{43}$`));
      const joiner = new ApiClient(portal.url);
      expect((await accept(tokenOf(inviteLink), "Cli Person", "cli-person-pass-1", joiner)).status).toBe(200);
      const status = await joiner.query<{ user: { role: string } }>("auth.status");
      expect(status.data?.user.role).toBe("approver");

      const again = await runCli(home, ["users", "invite", "cli-person@example.com", "--role", "viewer"], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toBe(`wheelhouse: cli-person@example.com is already a member of ${ADMIN.teamName}.\n`);

      const reset = await runCli(home, ["users", "reset-password", "cli-person@example.com", "--json"], env);
      expect(reset.code, reset.stderr).toBe(0);
      const answer = JSON.parse(reset.stdout) as { email: string; link: string; expiresAt: string };
      expect(answer.email).toBe("cli-person@example.com");
      const used = await new ApiClient(portal.url).mutate("passwordReset.reset", {
        token: tokenOf(answer.link),
        password: "cli-person-pass-2",
      });
      expect(used.status).toBe(200);
      expect((await new ApiClient(portal.url).signIn("cli-person@example.com", "cli-person-pass-2")).status).toBe(200);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
