// Single sign-on with OpenID Connect (issue 16 item 4) against a real provider (oidc-provider on
// loopback, tests/support/oidc-provider.ts): the portal set up from OIDC_* and then by an admin,
// first sign-in creating the person with the role of their groups, the role following the groups at
// the next sign-in, an existing account linked by verified email, refusals (a disallowed domain, no
// mapped group, a forged or missing state, a disabled account), the break-glass password switch,
// and the client secret in no answer, log line, audit entry or readable column.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { SsoBrowser, startOidcProvider, type TestProvider } from "../support/oidc-provider.ts";
import { type Portal, startPortal } from "../support/portal.ts";

let provider: TestProvider;
let portal: Portal;
let admin: ApiClient;
/** Every browser of the test, so the last test can search all they were sent. */
const browsers: SsoBrowser[] = [];
/** Every answer of the API the test read, for the same search. */
const answers: string[] = [];

function browser(): SsoBrowser {
  const created = new SsoBrowser();
  browsers.push(created);
  return created;
}

const MAPPING = {
  displayName: "Test IdP",
  allowedDomains: ["example.com"],
  groupsClaim: "groups",
  roleMapping: [
    { group: "wh-admins", role: "admin" },
    { group: "wh-ops", role: "operator" },
    { group: "wh-viewers", role: "viewer" },
  ],
  defaultRole: null,
  passwordSignIn: "everyone",
  breakGlassEmail: null,
} as const;

beforeAll(async () => {
  const port = await freePort();
  provider = await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}/auth/oidc/callback` });
  portal = await startPortal({
    port,
    env: {
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_DISPLAY_NAME: "Test IdP",
    },
  });
  admin = await setUpAdmin(portal.url);
});
afterAll(async () => {
  await portal?.stop();
  await provider?.stop();
});

/** The person signed in by a browser, as the portal sees them. */
async function whoIs(signedIn: SsoBrowser) {
  const client = new ApiClient(portal.url);
  const token = signedIn.cookie(portal.url, "wheelhouse_session");
  client.cookie = token ? `wheelhouse_session=${token}` : undefined;
  const status = await client.query<{ user: { email: string; name: string; role: string } | null }>("auth.status");
  answers.push(JSON.stringify(status));
  return status.data?.user ?? null;
}

async function auditOf(action: string) {
  return sql<{ outcome: string; actorEmail: string | null; details: string }>(
    portal.databaseUrl,
    `SELECT outcome, "actorEmail", details FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

async function usersWithEmail(email: string): Promise<number> {
  const rows = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "User" WHERE email = $1`, [
    email,
  ]);
  return Number(rows[0]?.n);
}

describe("single sign-on settings", () => {
  it("come from the environment until an admin saves them, and never show the secret", async () => {
    const status = await new ApiClient(portal.url).query("sso.status");
    answers.push(JSON.stringify(status));
    expect(status.data).toEqual({ enabled: true, label: "Test IdP", passwordSignIn: "everyone" });

    const read = await admin.query<{ source: string; clientSecretSet: boolean; callbackUrl: string }>("sso.settings");
    answers.push(JSON.stringify(read));
    expect(read.data).toMatchObject({
      source: "environment",
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      clientSecretSet: true,
      callbackUrl: `${portal.url}/auth/oidc/callback`,
    });

    // Saved without typing the secret again: the environment's is kept (sealed), and SSO still works below.
    const saved = await admin.mutate<{ source: string; clientSecretSet: boolean }>("sso.save", {
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      ...MAPPING,
    });
    answers.push(JSON.stringify(saved));
    expect(saved.data).toMatchObject({ source: "settings", clientSecretSet: true, roleMapping: MAPPING.roleMapping });
    const [row] = await sql<{ clientSecretSealed: string }>(
      portal.databaseUrl,
      `SELECT "clientSecretSealed" FROM "OidcSettings" WHERE id = 1`,
    );
    expect(row?.clientSecretSealed).toMatch(/^v1:/);
    expect(row?.clientSecretSealed).not.toContain(provider.clientSecret);
    const [update] = await auditOf("auth.sso.update");
    expect(update?.actorEmail).toBe(ADMIN.email);
    expect(JSON.parse(update?.details ?? "{}")).toMatchObject({
      after: { clientSecretSet: true, allowedDomains: ["example.com"] },
    });
  });

  it("refuses bad input with sentences: an http issuer off loopback, and viewers may not even read them", async () => {
    const http = await admin.mutate("sso.save", {
      issuerUrl: "http://login.example.com",
      clientId: "x",
      ...MAPPING,
    });
    expect(http.status).toBe(400);
    expect(http.error?.message).toMatch(/https:\/\/ \(http:\/\/ only on 127\.0\.0\.1 or localhost\)/);
    const noBreakGlass = await admin.mutate("sso.save", {
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      ...MAPPING,
      passwordSignIn: "break-glass",
    });
    expect(noBreakGlass.status).toBe(400);
    expect(noBreakGlass.error?.message).toMatch(/Name the break-glass admin/);

    const viewer = new ApiClient(portal.url);
    await admin.mutate("users.create", {
      email: "vera@example.com",
      name: "Vera",
      password: "vera-password-x",
      role: "viewer",
    });
    await viewer.signIn("vera@example.com", "vera-password-x");
    expect((await viewer.query("sso.settings")).status).toBe(403);
  });
});

describe("signing in with the provider", () => {
  it("creates the person at their first sign-in with the role of their groups, and lands on the page asked for", async () => {
    provider.accounts.set("alice-sub", { email: "Alice@Example.com", name: "Alice Ops", groups: ["wh-ops", "staff"] });
    const alice = browser();
    const done = await alice.signIn(portal.url, "alice-sub", "/apps?tab=mine");
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/apps?tab=mine");
    // The flow cookie is single-use: cleared by the callback.
    expect(alice.cookie(portal.url, "wheelhouse_oidc")).toBeUndefined();
    expect(await whoIs(alice)).toMatchObject({ email: "alice@example.com", name: "Alice Ops", role: "operator" });

    const [identity] = await sql<{ issuer: string; subject: string; email: string }>(
      portal.databaseUrl,
      `SELECT i.issuer, i.subject, u.email FROM "OidcIdentity" i JOIN "User" u ON u.id = i."userId"`,
    );
    expect(identity).toEqual({ issuer: provider.issuer, subject: "alice-sub", email: "alice@example.com" });
    const created = (await auditOf("users.create")).find((e) => e.actorEmail === "alice@example.com");
    expect(JSON.parse(created?.details ?? "{}")).toMatchObject({ role: "operator", via: "single sign-on" });
  });

  it("sets the role from the groups again at every sign-in, and never sends anyone off-site", async () => {
    provider.accounts.set("alice-sub", {
      email: "alice@example.com",
      name: "Alice Ops",
      groups: ["wh-viewers", "staff"],
    });
    const again = browser();
    const done = await again.signIn(portal.url, "alice-sub", "https://evil.example/");
    expect(done.headers.get("location")).toBe("/");
    expect(await whoIs(again)).toMatchObject({ email: "alice@example.com", role: "viewer" });
    expect(await usersWithEmail("alice@example.com")).toBe(1);
    const change = (await auditOf("users.role.update")).at(-1);
    expect(JSON.parse(change?.details ?? "{}")).toMatchObject({ from: "operator", to: "viewer" });

    // The highest mapped group wins.
    provider.accounts.set("alice-sub", {
      email: "alice@example.com",
      name: "Alice Ops",
      groups: ["wh-viewers", "wh-admins"],
    });
    const third = browser();
    await third.signIn(portal.url, "alice-sub");
    expect(await whoIs(third)).toMatchObject({ role: "admin" });
  });

  it("links an existing account by its verified email instead of making a second person", async () => {
    const made = await admin.mutate<{ id: string }>("users.create", {
      email: "carol@example.com",
      name: "Carol",
      password: "carol-password-x",
      role: "viewer",
    });
    provider.accounts.set("carol-sub", { email: "carol@example.com", name: "Carol C", groups: ["wh-ops"] });
    const carol = browser();
    await carol.signIn(portal.url, "carol-sub");
    expect(await whoIs(carol)).toMatchObject({ email: "carol@example.com", role: "operator" });
    const [identity] = await sql<{ userId: string }>(
      portal.databaseUrl,
      `SELECT "userId" FROM "OidcIdentity" WHERE subject = 'carol-sub'`,
    );
    expect(identity?.userId).toBe(made.data?.id);
    expect((await auditOf("users.sso.link")).map((e) => e.actorEmail)).toContain("carol@example.com");

    // An unverified address never links, nor signs in.
    provider.accounts.set("mallory-sub", {
      email: "carol@example.com",
      name: "Not Carol",
      groups: ["wh-admins"],
      emailVerified: false,
    });
    const mallory = browser();
    const refused = await mallory.signIn(portal.url, "mallory-sub");
    expect(refused.headers.get("location")).toBe("/sign-in?sso_error=unverified");
    expect(await whoIs(mallory)).toBeNull();
  });

  it("refuses a disallowed email domain, and a person none of whose groups is mapped, with a sentence code", async () => {
    provider.accounts.set("bob-sub", { email: "bob@other.org", name: "Bob", groups: ["wh-admins"] });
    const bob = browser();
    const refused = await bob.signIn(portal.url, "bob-sub");
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toBe("/sign-in?sso_error=domain");
    expect(bob.cookie(portal.url, "wheelhouse_session")).toBeUndefined();
    expect(await usersWithEmail("bob@other.org")).toBe(0);
    const denied = (await auditOf("session.create")).filter((e) => e.outcome === "denied");
    expect(denied.map((e) => JSON.parse(e.details))).toContainEqual(
      expect.objectContaining({ via: "sso", reason: "email_domain_not_allowed", email: "bob@other.org" }),
    );

    provider.accounts.set("dan-sub", { email: "dan@example.com", name: "Dan", groups: ["staff"] });
    const dan = browser();
    expect((await dan.signIn(portal.url, "dan-sub")).headers.get("location")).toBe("/sign-in?sso_error=no-role");
    expect(await usersWithEmail("dan@example.com")).toBe(0);
  });

  it("refuses a forged state and a callback no sign-in here started, and audits both", async () => {
    provider.accounts.set("erin-sub", { email: "erin@example.com", name: "Erin", groups: ["wh-admins"] });
    const erin = browser();
    const authorizationUrl = await erin.start(portal.url);
    const callback = new URL(await erin.authorize(authorizationUrl, "erin-sub", `${portal.url}/auth/oidc/callback`));
    expect(callback.searchParams.get("code")).toBeTruthy();
    const forged = new URL(callback);
    forged.searchParams.set("state", "forged-state");
    const refused = await erin.request(forged.href);
    expect(refused.headers.get("location")).toBe("/sign-in?sso_error=state");
    expect(erin.cookie(portal.url, "wheelhouse_session")).toBeUndefined();

    // The genuine answer, replayed in another browser (no flow cookie), is refused the same way.
    const stranger = browser();
    const replayed = await stranger.request(callback.href);
    expect(replayed.headers.get("location")).toBe("/sign-in?sso_error=state");
    expect(await usersWithEmail("erin@example.com")).toBe(0);

    // Before the provider vouched for anyone, refusals are counted per address (audit/refusal-tally.ts):
    // the first is written at once, the replay joins its window's count.
    const reasons = (await auditOf("session.create"))
      .filter((e) => e.outcome === "denied")
      .map((e) => JSON.parse(e.details).reason);
    expect(reasons).toContain("state_mismatch");
  });

  it("refuses a disabled person", async () => {
    const [carol] = await sql<{ id: string }>(
      portal.databaseUrl,
      `SELECT id FROM "User" WHERE email = 'carol@example.com'`,
    );
    const disabled = await admin.mutate("users.setDisabled", { userId: carol?.id, disabled: true });
    expect(disabled.status).toBe(200);
    const carolAgain = browser();
    expect((await carolAgain.signIn(portal.url, "carol-sub")).headers.get("location")).toBe(
      "/sign-in?sso_error=disabled",
    );
    expect(await whoIs(carolAgain)).toBeNull();
    await admin.mutate("users.setDisabled", { userId: carol?.id, disabled: false });
  });
});

describe("password sign-in switched to break-glass", () => {
  it("needs an active admin as the break-glass account, then refuses passwords for everyone else", async () => {
    const notAdmin = await admin.mutate("sso.save", {
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      ...MAPPING,
      passwordSignIn: "break-glass",
      breakGlassEmail: "vera@example.com",
    });
    expect(notAdmin.status).toBe(400);
    expect(notAdmin.error?.message).toMatch(/vera@example.com is not an active admin/);

    const saved = await admin.mutate("sso.save", {
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      ...MAPPING,
      passwordSignIn: "break-glass",
      breakGlassEmail: ADMIN.email,
    });
    expect(saved.status).toBe(200);
    expect((await new ApiClient(portal.url).query("sso.status")).data).toMatchObject({ passwordSignIn: "break-glass" });

    const vera = new ApiClient(portal.url);
    const refused = await vera.signIn("vera@example.com", "vera-password-x");
    expect(refused.status).toBe(403);
    expect(refused.error?.message).toBe("Password sign-in is switched off on this portal: sign in with Test IdP.");
    expect(vera.cookie).toBeUndefined();
    const breakGlass = new ApiClient(portal.url);
    expect((await breakGlass.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    const denied = (await auditOf("session.create")).map((e) => JSON.parse(e.details));
    expect(denied).toContainEqual(
      expect.objectContaining({ email: "vera@example.com", reason: "password_sign_in_off" }),
    );

    // Back to the environment's settings: passwords work again for everyone.
    const reset = await admin.mutate<{ source: string }>("sso.reset", {});
    expect(reset.data?.source).toBe("environment");
    expect((await new ApiClient(portal.url).signIn("vera@example.com", "vera-password-x")).status).toBe(200);
    expect((await auditOf("auth.sso.reset")).length).toBe(1);
  });
});

describe("the client secret", () => {
  it("is in no answer the portal sent, no log line, no audit entry", async () => {
    const rest = await fetch(`${portal.url}/api/v1/sso`, { headers: { cookie: admin.cookie ?? "" } });
    answers.push(await rest.text());
    expect(rest.status).toBe(200);
    const openApi = (await (await fetch(`${portal.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    expect(Object.keys(openApi.paths["/sso"] ?? {})).toEqual(expect.arrayContaining(["get", "put", "delete"]));
    const sent = browsers.flatMap((b) => b.seen.filter((s) => s.url.startsWith(portal.url)));
    expect(sent.length).toBeGreaterThan(10);
    for (const answer of sent) {
      expect(`${answer.headers}\n${answer.body}`).not.toContain(provider.clientSecret);
    }
    for (const answer of answers) expect(answer).not.toContain(provider.clientSecret);
    const log = `${portal.logs.map((line) => JSON.stringify(line)).join("\n")}\n${portal.stderr()}`;
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(provider.clientSecret);
    const audit = await sql<{ details: string }>(portal.databaseUrl, `SELECT details FROM "AuditEvent"`);
    expect(audit.length).toBeGreaterThan(10);
    expect(JSON.stringify(audit)).not.toContain(provider.clientSecret);
  });
});
