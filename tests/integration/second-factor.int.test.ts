// The second factor (issue 16, item 5) through the real portal, with the product's default (admins
// must use one): an admin without one may do nothing but enrol; enrolment shows the secret three
// ways and ten recovery codes once (only hashes stored); sign-in then needs a code; wrong codes are
// refused and rate-limited, a code is good once, a recovery code once; a host shell asks for a
// step-up once the session's proof is over 15 minutes old, over tRPC and on the /terminal socket.

import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, ApiClient, type CallResult, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { ageSecondFactorProof, freshCode, plainSecret } from "../support/second-factor.ts";
import { connectTerminal } from "../support/terminal-client.ts";

interface Enrolment {
  otpauthUri: string;
  qrSvg: string;
  secret: string;
}

let portal: Portal;
let admin: ApiClient;
let adminSecret = "";
let adminRecovery: string[] = [];
const size = { cols: 80, rows: 24 };

beforeAll(async () => {
  portal = await startPortal({ env: { SECOND_FACTOR_DEFAULT_ROLES: "admin" } });
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
});

function appCode(result: CallResult): string | undefined {
  return (result.error?.data as { appCode?: string } | undefined)?.appCode;
}

async function auditOf(action: string): Promise<{ outcome: string; actorEmail: string | null; details: string }[]> {
  return sql(
    portal.databaseUrl,
    `SELECT outcome, "actorEmail", details FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

async function enrol(client: ApiClient, email: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await client.mutate<Enrolment>("account.startSecondFactor", {});
  if (!started.data) throw new Error(`could not start: ${JSON.stringify(started.error)}`);
  const code = await freshCode(portal.databaseUrl, email, started.data.secret);
  const confirmed = await client.mutate<{ recoveryCodes: string[] }>("account.confirmSecondFactor", { code });
  if (!confirmed.data) throw new Error(`could not confirm: ${JSON.stringify(confirmed.error)}`);
  return { secret: plainSecret(started.data.secret), recoveryCodes: confirmed.data.recoveryCodes };
}

async function addMember(email: string, password: string, role: string): Promise<void> {
  const created = await admin.mutate("users.create", { email, name: email, password, role });
  if (created.status !== 200) throw new Error(`could not add ${email}: ${JSON.stringify(created.error)}`);
}

async function signedInEmail(client: ApiClient): Promise<string | null> {
  const status = await client.query<{ user: { email: string } | null }>("auth.status");
  return status.data?.user?.email ?? null;
}

describe("an admin who must use a second factor and has none", () => {
  it("may do nothing but enrol, over tRPC and the socket gate, each refusal audited", async () => {
    const listed = await admin.query("users.list");
    expect(listed.status).toBe(403);
    expect(appCode(listed)).toBe("SECOND_FACTOR_SETUP_REQUIRED");
    expect(listed.error?.message).toMatch(/set up an authenticator app on your Account page/);
    const status = await admin.query<{ user: { secondFactor: { required: boolean; enabled: boolean } } }>(
      "auth.status",
    );
    expect(status.data?.user.secondFactor).toEqual({ required: true, enabled: false });

    const socket = io(`${portal.url}/ui`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie: admin.cookie ?? "", origin: portal.url },
    });
    const refused = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    socket.close();
    expect(refused).toMatch(/set up an authenticator app/);

    const denied = (await auditOf("users.read")).filter((e) => e.outcome === "denied");
    expect(denied.some((e) => e.details.includes("second factor not set up"))).toBe(true);
  });

  it("enrols: the secret as a QR code, a URI and text; a wrong code is refused; ten codes shown once", async () => {
    const started = await admin.mutate<Enrolment>("account.startSecondFactor", {});
    expect(started.status).toBe(200);
    const enrolment = started.data as Enrolment;
    expect(enrolment.qrSvg).toMatch(/^<svg/);
    expect(enrolment.secret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.searchParams.get("secret")).toBe(plainSecret(enrolment.secret));
    const [row] = await sql<{ secretSealed: string; enabledAt: unknown }>(
      portal.databaseUrl,
      `SELECT "secretSealed", "enabledAt" FROM "SecondFactor"`,
    );
    expect(row?.enabledAt).toBeNull();
    expect(row?.secretSealed).not.toContain(plainSecret(enrolment.secret));

    const wrong = await admin.mutate("account.confirmSecondFactor", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(wrong.error?.message).toMatch(/not right/);
    expect((await admin.mutate("account.confirmSecondFactor", { code: "12ab" })).status).toBe(400);

    const code = await freshCode(portal.databaseUrl, ADMIN.email, enrolment.secret);
    const confirmed = await admin.mutate<{ recoveryCodes: string[] }>("account.confirmSecondFactor", { code });
    expect(confirmed.status).toBe(200);
    adminSecret = plainSecret(enrolment.secret);
    adminRecovery = confirmed.data?.recoveryCodes ?? [];
    expect(adminRecovery).toHaveLength(10);
    const stored = await sql<{ codeHash: string }>(portal.databaseUrl, `SELECT "codeHash" FROM "RecoveryCode"`);
    expect(stored).toHaveLength(10);
    for (const { codeHash } of stored) expect(adminRecovery.map((c) => c.replace("-", ""))).not.toContain(codeHash);

    expect((await admin.query("users.list")).status).toBe(200);
    const state = await admin.query<{ enabled: boolean; required: boolean; recoveryCodesLeft: number }>(
      "account.secondFactor",
    );
    expect(state.data).toMatchObject({ enabled: true, required: true, recoveryCodesLeft: 10 });
  });

  it("may not turn the factor off while the role requires it", async () => {
    const off = await admin.mutate("account.disableSecondFactor", {
      code: await freshCode(portal.databaseUrl, ADMIN.email, adminSecret),
    });
    expect(off.status).toBe(403);
    expect(off.error?.message).toMatch(/must use a second factor/);
    expect((await admin.query<{ enabled: boolean }>("account.secondFactor")).data?.enabled).toBe(true);
  });
});

describe("signing in with a second factor", () => {
  it("gives no session for the password alone; the code makes one, proved now", async () => {
    const browser = new ApiClient(portal.url);
    const first = await browser.signIn(ADMIN.email, ADMIN.password);
    expect(first.status).toBe(200);
    expect(first.data).toEqual({ ok: true, secondFactor: true });
    expect(browser.cookie).toMatch(/^wheelhouse_second_factor=/);
    expect(await signedInEmail(browser)).toBeNull();

    const code = await freshCode(portal.databaseUrl, ADMIN.email, adminSecret);
    const second = await browser.mutate("auth.verifySecondFactor", { code });
    expect(second.status).toBe(200);
    expect(browser.cookie).toMatch(/^wheelhouse_session=/);
    expect(await signedInEmail(browser)).toBe(ADMIN.email);
    const proved = await sql<{ secondFactorAt: unknown }>(
      portal.databaseUrl,
      `SELECT "secondFactorAt" FROM "Session" WHERE "secondFactorAt" IS NOT NULL`,
    );
    expect(proved.length).toBeGreaterThanOrEqual(1);

    // The same code again, in another sign-in: refused as used.
    const again = new ApiClient(portal.url);
    await again.signIn(ADMIN.email, ADMIN.password);
    const replayed = await again.mutate("auth.verifySecondFactor", { code });
    expect(replayed.status).toBe(400);
    expect(replayed.error?.message).toMatch(/already used/);
    expect(await signedInEmail(again)).toBeNull();
    const failures = (await auditOf("session.create")).filter((e) => e.outcome === "failure");
    expect(failures.some((e) => e.details.includes("code replayed"))).toBe(true);
  });

  it("refuses the code step when the password changed after the password step", async () => {
    const email = "racer@example.com";
    await addMember(email, "racer-password-1", "operator");
    const owner = new ApiClient(portal.url);
    await owner.signIn(email, "racer-password-1");
    const { secret } = await enrol(owner, email);
    // A second browser passes the password step with the old password…
    const late = new ApiClient(portal.url);
    expect((await late.signIn(email, "racer-password-1")).data).toEqual({ ok: true, secondFactor: true });
    // …the owner changes it meanwhile (which ends every other session, of which the late one is not yet)…
    const changed = await owner.mutate("account.changePassword", {
      currentPassword: "racer-password-1",
      newPassword: "racer-password-2",
    });
    expect(changed.status, JSON.stringify(changed.error)).toBe(200);
    // …and the right code no longer makes a session for the old password.
    const code = await freshCode(portal.databaseUrl, email, secret);
    const refused = await late.mutate("auth.verifySecondFactor", { code });
    expect(refused.status).toBe(401);
    expect(refused.error?.message).toBe("Your password was changed just now. Sign in with the new password.");
    expect(await signedInEmail(late)).toBeNull();
    const failures = (await auditOf("session.create")).filter((e) => e.outcome === "failure" && e.actorEmail === email);
    expect(failures.map((e) => JSON.parse(e.details).reason)).toContain("password changed during sign-in");
    // The owner's own session stays, as a password change promises.
    expect(await signedInEmail(owner)).toBe(email);
  });

  it("refuses the code step without the password step, and a password-only API key", async () => {
    const stranger = new ApiClient(portal.url);
    const refused = await stranger.mutate("auth.verifySecondFactor", { code: "123456" });
    expect(refused.status).toBe(401);
    expect(refused.error?.message).toMatch(/sign-in has expired/);
    const anonymous = (await auditOf("session.create")).filter((e) => e.outcome === "denied" && e.actorEmail === null);
    expect(anonymous.some((e) => e.details.includes("no or expired challenge"))).toBe(true);
    const key = await stranger.mutate("account.createApiKeyWithPassword", {
      email: ADMIN.email,
      password: ADMIN.password,
      name: "laptop",
    });
    expect(key.status).toBe(403);
    expect(key.error?.message).toMatch(/second factor/);
  });

  it("takes each recovery code once", async () => {
    const [recovery = ""] = adminRecovery;
    const browser = new ApiClient(portal.url);
    await browser.signIn(ADMIN.email, ADMIN.password);
    expect((await browser.mutate("auth.verifySecondFactor", { code: recovery.toUpperCase() })).status).toBe(200);
    expect(await signedInEmail(browser)).toBe(ADMIN.email);

    const later = new ApiClient(portal.url);
    await later.signIn(ADMIN.email, ADMIN.password);
    const reused = await later.mutate("auth.verifySecondFactor", { code: recovery });
    expect(reused.status).toBe(400);
    expect(reused.error?.message).toMatch(/recovery code is not one of yours, or it was already used/);
    expect((await admin.query<{ recoveryCodesLeft: number }>("account.secondFactor")).data?.recoveryCodesLeft).toBe(9);
  });

  it("refuses wrong codes with a sentence, then stops checking after five (even a right one)", async () => {
    const email = "olga@example.com";
    await addMember(email, "olga-password-12", "operator");
    const olga = new ApiClient(portal.url);
    await olga.signIn(email, "olga-password-12");
    const { secret } = await enrol(olga, email);

    const browser = new ApiClient(portal.url);
    expect((await browser.signIn(email, "olga-password-12")).data).toEqual({ ok: true, secondFactor: true });
    for (let i = 0; i < 5; i += 1) {
      const wrong = await browser.mutate("auth.verifySecondFactor", { code: "000000" });
      expect(wrong.status).toBe(400);
      expect(wrong.error?.message).toMatch(/That code is not right/);
    }
    const right = await freshCode(portal.databaseUrl, email, secret);
    const limited = await browser.mutate("auth.verifySecondFactor", { code: right });
    expect(limited.status).toBe(429);
    expect(limited.error?.message).toMatch(/Too many wrong codes\. Try again in \d+ minutes?\./);
    expect(await signedInEmail(browser)).toBeNull();
    const events = (await auditOf("session.create")).filter((e) => e.actorEmail === email);
    expect(events.filter((e) => e.details.includes("wrong code"))).toHaveLength(5);
    expect(events.filter((e) => e.outcome === "denied" && e.details.includes("rate_limited"))).toHaveLength(1);
  });
});

describe("step-up before a host shell", () => {
  it("refuses a shell once the proof is over 15 minutes old, on tRPC and the socket; auth.stepUp opens it again", async () => {
    const hostId = await enrollHostRow(admin, portal.url, "stepup-host");
    const fresh = await admin.mutate<{ token: string }>("terminal.openHost", { hostId, size });
    expect(fresh.status).toBe(200);

    // A token minted while fresh, redeemed after the proof aged: the socket's gate asks too.
    await ageSecondFactorProof(portal.databaseUrl, ADMIN.email, 16);
    await expect(connectTerminal(portal.url, admin.cookie ?? "", fresh.data?.token ?? "")).rejects.toThrow(
      /Confirm with your authenticator/,
    );
    const refused = await admin.mutate("terminal.openHost", { hostId, size });
    expect(refused.status).toBe(403);
    expect(appCode(refused)).toBe("STEP_UP_REQUIRED");
    expect(refused.error?.message).toMatch(/Confirm with your authenticator/);
    const denied = (await auditOf("hosts.shell")).filter((e) => e.outcome === "denied");
    expect(denied.filter((e) => e.details.includes("step-up due")).length).toBeGreaterThanOrEqual(2);
    // Other actions are not asked.
    expect((await admin.query("users.list")).status).toBe(200);

    expect((await admin.mutate("auth.stepUp", { code: "000000" })).status).toBe(400);
    const stepped = await admin.mutate("auth.stepUp", {
      code: await freshCode(portal.databaseUrl, ADMIN.email, adminSecret),
    });
    expect(stepped.status).toBe(200);
    expect((await admin.mutate("terminal.openHost", { hostId, size })).status).toBe(200);
    expect((await auditOf("auth.step-up")).map((e) => e.outcome)).toContain("success");
  });

  it("asks an approver with a factor before a review too (past it, the request is looked up)", async () => {
    const email = "april@example.com";
    await addMember(email, "april-password-12", "approver");
    const april = new ApiClient(portal.url);
    await april.signIn(email, "april-password-12");
    const { secret } = await enrol(april, email);
    // Fresh from enrolling: the review reaches the request (none with this id).
    expect((await april.mutate("approvals.approve", { id: "1" })).status).toBe(404);
    await ageSecondFactorProof(portal.databaseUrl, email, 16);
    const refused = await april.mutate("approvals.deny", { id: "1", comment: "not this one" });
    expect(appCode(refused)).toBe("STEP_UP_REQUIRED");
    expect(
      (await april.mutate("auth.stepUp", { code: await freshCode(portal.databaseUrl, email, secret) })).status,
    ).toBe(200);
    expect((await april.mutate("approvals.approve", { id: "1" })).status).toBe(404);
  });

  it("does not ask a person without a factor whose role does not require one", async () => {
    const saved = await admin.mutate<{ roles: string[] }>("auth.saveSecondFactorPolicy", { roles: [] });
    expect(saved.data?.roles).toEqual([]);
    const email = "andy@example.com";
    await addMember(email, "andy-password-12", "admin");
    const andy = new ApiClient(portal.url);
    expect((await andy.signIn(email, "andy-password-12")).data).toEqual({ ok: true, secondFactor: false });
    const hostId = await enrollHostRow(admin, portal.url, "no-factor-host");
    expect((await andy.mutate("terminal.openHost", { hostId, size })).status).toBe(200);
    expect((await auditOf("auth.second-factor.policy")).at(-1)?.details).toContain('"after":[]');
    // Back to the default for admins: andy must now enrol before anything else.
    await admin.mutate("auth.saveSecondFactorPolicy", { roles: ["admin"] });
    const blocked = await andy.mutate("terminal.openHost", { hostId, size });
    expect(appCode(blocked)).toBe("SECOND_FACTOR_SETUP_REQUIRED");
  });
});

describe("an admin resetting a member's lost second factor", () => {
  it("clears it: the member signs in with the password alone and, as an admin, must enrol again", async () => {
    await admin.mutate("auth.saveSecondFactorPolicy", { roles: ["admin"] });
    const email = "lena@example.com";
    await addMember(email, "lena-password-12", "admin");
    const lena = new ApiClient(portal.url);
    await lena.signIn(email, "lena-password-12");
    await enrol(lena, email);
    const members = await admin.query<{ id: string; email: string; secondFactor: boolean }[]>("users.list");
    const member = members.data?.find((m) => m.email === email);
    expect(member?.secondFactor).toBe(true);

    const own = await admin.mutate("users.resetSecondFactor", {
      userId: (await admin.query<{ user: { id: string } }>("auth.status")).data?.user.id,
    });
    expect(own.status).toBe(400);
    expect((await admin.mutate("users.resetSecondFactor", { userId: member?.id })).status).toBe(200);
    expect((await auditOf("users.second-factor.reset")).at(-1)).toMatchObject({
      outcome: "success",
      actorEmail: ADMIN.email,
    });

    const again = new ApiClient(portal.url);
    expect((await again.signIn(email, "lena-password-12")).data).toEqual({ ok: true, secondFactor: false });
    expect(appCode(await again.query("users.list"))).toBe("SECOND_FACTOR_SETUP_REQUIRED");
    const twice = await admin.mutate("users.resetSecondFactor", { userId: member?.id });
    expect(twice.status).toBe(409);
    expect(twice.error?.message).toMatch(/has no second factor to reset/);
  });
});
