// Several teams (issue 16): one person in two teams. B's admin invites an email that has an
// account in A (accept refuses, join works only signed in as that email, once); the person is
// admin in A and viewer in B, allowed and refused (audited in B's log) accordingly; their API keys
// act in the team each was made in, and removal from B ends the B key. The real portal over HTTP;
// objects across teams: teams.int.test.ts, sockets: teams-sockets.int.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, ApiClient } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, RestClient } from "../support/rest-client.ts";
import {
  addMember,
  memberOf,
  ok,
  passwordFor,
  setUpTwoTeams,
  signedIn,
  switchTo,
  type TwoTeams,
} from "../support/teams.ts";

/** B's app (on a host without an agent: nothing here needs it to run). */
const B_APP = "b-shop";

let portal: Portal;
let teams: TwoTeams;

beforeAll(async () => {
  portal = await startPortal();
  teams = await setUpTwoTeams(portal);
  const hostB = await enrollHostRow(teams.adaB, portal.url, "harbour-spare");
  await ok(
    teams.adaB.mutate("apps.create", {
      name: B_APP,
      image: "registry.example.com/harbour/app:1",
      pullPolicy: "never",
      port: 8080,
      hosts: [hostB],
    }),
    "B's app",
  );
});

afterAll(async () => {
  await portal?.stop();
});

describe("portal-wide settings", () => {
  it("are changed only by an admin working in the portal's first team; elsewhere refused and audited", async () => {
    const before = await ok(teams.ada.query("certificates.acmeSettings"), "ACME settings");
    const refusals: [string, "query" | "mutate"][] = [
      ["sso.settings", "query"],
      ["sso.save", "mutate"],
      ["sso.reset", "mutate"],
      ["certificates.saveAcmeSettings", "mutate"],
      ["certificates.resetAcmeSettings", "mutate"],
    ];
    for (const [path, kind] of refusals) {
      // The first admin, admin of both teams, working in B: the role allows it, the team does not.
      const refused = kind === "query" ? await teams.adaB.query(path) : await teams.adaB.mutate(path, {});
      expect(refused.status, path).toBe(403);
      expect(refused.error?.message, path).toMatch(/whole portal's, not this team's/);
    }
    const denied = await sql<{ action: string; details: string }>(
      portal.databaseUrl,
      `SELECT action, details FROM "AuditEvent" WHERE "teamId" = $1 AND outcome = 'denied' AND action IN ('auth.sso.manage', 'certificates.settings.manage')`,
      [teams.teamB.id],
    );
    expect(denied).toHaveLength(refusals.length);
    for (const row of denied) expect(row.details).toContain("portal-wide setting outside the first team");
    expect(await ok(teams.ada.query("certificates.acmeSettings"), "ACME settings")).toEqual(before);
    // The same person working in the first team may.
    expect((await teams.ada.query("sso.settings")).status).toBe(200);
  });
});

describe("a person in two teams", () => {
  const DUAL = "dual@example.com";
  let dualId = "";
  let dual: ApiClient;
  let inviteToken = "";
  let hostA = "";

  beforeAll(async () => {
    hostA = await enrollHostRow(teams.ada, portal.url, "platform-spare");
    dualId = await addMember(teams.ada, DUAL, "admin");
    dual = await signedIn(portal.url, DUAL, passwordFor(DUAL));
    const created = await ok(
      teams.adaB.mutate<{ link: string }>("invites.create", { email: DUAL, role: "viewer" }),
      "invite of an account of A",
    );
    inviteToken = created.link.split("/").at(-1) ?? "";
  });

  it("joins B by invite only when signed in as the invited email, once", async () => {
    const accepted = await new ApiClient(portal.url).mutate("invites.accept", {
      token: inviteToken,
      name: "Dual Again",
      password: "a-new-password-12",
    });
    expect(accepted.status).toBeGreaterThanOrEqual(400);
    expect(accepted.error?.message).toMatch(/already has an account|sign in/i);

    const other = await memberOf(teams, "viewer").client.mutate("invites.join", { token: inviteToken });
    expect(other.status).toBe(403);
    expect(other.error?.message).toContain(`This invite is for ${DUAL}, and you are signed in as a-viewer@example.com`);

    const joined = await dual.mutate<{ team: { id: string }; role: string }>("invites.join", { token: inviteToken });
    expect(joined.data).toEqual({ team: { id: teams.teamB.id, name: teams.teamB.name }, role: "viewer" });
    const mine = await ok(
      dual.query<{ teams: { id: string; role: string; current: boolean }[] }>("teams.mine"),
      "mine",
    );
    expect(mine.teams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: teams.teamA.id, role: "admin", current: false }),
        expect.objectContaining({ id: teams.teamB.id, role: "viewer", current: true }),
      ]),
    );
    const apps = await ok(dual.query<{ name: string }[] | { apps: { name: string }[] }>("apps.list"), "B apps");
    expect(JSON.stringify(apps)).toContain(B_APP);

    const again = await dual.mutate("invites.join", { token: inviteToken });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.error?.message).toMatch(/already used|already a member/i);
  });

  it("may create apps where admin (A) and is refused, audited in B's log, where viewer (B)", async () => {
    await switchTo(dual, teams.teamA.id);
    const app = (name: string) => ({
      name,
      image: "registry.example.com/dual/app:1",
      pullPolicy: "never",
      port: 8080,
      hosts: [hostA],
    });
    expect((await dual.mutate("apps.create", app("dual-in-a"))).status).toBe(200);
    await switchTo(dual, teams.teamB.id);
    const deniedInB = () =>
      sql<{ n: number }>(
        portal.databaseUrl,
        `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE "teamId" = $1 AND action = 'apps.create' AND outcome = 'denied' AND "actorEmail" = $2`,
        [teams.teamB.id, DUAL],
      );
    const beforeDenied = Number((await deniedInB())[0]?.n);
    const refused = await dual.mutate("apps.create", app("dual-in-b"));
    expect(refused.status).toBe(403);
    expect(Number((await deniedInB())[0]?.n)).toBe(beforeDenied + 1);
    const listed = await ok(
      teams.adaB.query<{ events: { action: string; outcome: string; actor: unknown }[] }>("audit.list", {
        outcome: "denied",
      }),
      "B's audit",
    );
    expect(JSON.stringify(listed)).toContain(DUAL);
    const deniedInA = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE "teamId" = $1 AND action = 'apps.create' AND outcome = 'denied' AND "actorEmail" = $2`,
      [teams.teamA.id, DUAL],
    );
    expect(Number(deniedInA[0]?.n)).toBe(0);
  });

  it("has API keys that act in the team they were made in; removal from B ends the B key", async () => {
    await switchTo(dual, teams.teamB.id);
    const made = await ok(dual.mutate<{ token: string }>("account.createApiKey", { name: "dual in B" }), "B key");
    const keyB = new RestClient(portal.url, made.token);
    const keyA = await apiKeyFor(portal.url, DUAL, passwordFor(DUAL));
    const namesOf = async (key: RestClient) => {
      const answer = await key.call<{ apps: { name: string }[] }>("GET", "/apps");
      expect(answer.status).toBe(200);
      return answer.body.apps.map((app) => app.name);
    };
    expect(await namesOf(keyB)).toContain(B_APP);
    const inA = await namesOf(keyA);
    expect(inA).toContain("dual-in-a");
    expect(inA).not.toContain(B_APP);
    expect((await keyA.call("GET", `/apps/${B_APP}`)).status).toBe(404);
    // An API key cannot switch teams.
    expect((await keyA.call("POST", "/teams/switch", { teamId: teams.teamB.id })).status).toBe(400);

    await ok(teams.adaB.mutate("users.remove", { userId: dualId }), "removal from B");
    expect((await keyB.call("GET", "/apps")).status).toBe(401);
    expect(await namesOf(keyA)).toContain("dual-in-a");
    const afterRemoval = await ok(dual.query<{ teams: { id: string }[] }>("teams.mine"), "mine after removal");
    expect(afterRemoval.teams).toEqual([expect.objectContaining({ id: teams.teamA.id, current: true })]);
    expect((await dual.mutate("teams.switch", { teamId: teams.teamB.id })).error?.message).toBe(
      "You are not a member of that team.",
    );
  });

  it("signs the first admin in to the first team, with B one switch away", async () => {
    const again = await signedIn(portal.url, ADMIN.email, ADMIN.password);
    const mine = await ok(again.query<{ teams: { id: string; current: boolean }[] }>("teams.mine"), "mine");
    expect(mine.teams.find((team) => team.current)?.id).toBe(teams.teamA.id);
    expect(mine.teams.map((team) => team.id)).toContain(teams.teamB.id);
  });
});
