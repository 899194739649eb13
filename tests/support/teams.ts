// Two teams on one portal, for the cross-team suites (issue 16): the first admin (Ada) works in
// team A and creates team B; A gets a member of every role who belongs to A only; Ada keeps a
// second session switched to B (B's admin) and an API key made there. What B owns beyond that
// (hosts, apps…) each suite builds itself.
import { ROLES, type Role } from "@wheelhouse/shared";
import { ADMIN, ApiClient, type CallResult, setUpAdmin } from "./api-client.ts";
import type { Portal } from "./portal.ts";
import { RestClient } from "./rest-client.ts";

export const TEAM_B_NAME = "Harbour";

export interface Member {
  id: string;
  email: string;
  password: string;
  client: ApiClient;
}

export interface TwoTeams {
  teamA: { id: string; name: string };
  teamB: { id: string; name: string };
  /** Ada's first session, working in A. */
  ada: ApiClient;
  /** Ada's second session, switched to B (B's admin). */
  adaB: ApiClient;
  /** An API key Ada made while working in B. */
  restB: RestClient;
  restBKeyId: string;
  /** A member of each role, in A only (a-admin is A's admin; Ada is in both teams). */
  membersA: Map<Role, Member>;
}

export function passwordFor(email: string): string {
  return `${email.split("@")[0]}-password-12`;
}

/** Signs in; throws with the answer when refused. */
export async function signedIn(baseUrl: string, email: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  const result = await client.signIn(email, password);
  if (result.status !== 200) throw new Error(`could not sign in as ${email}: ${JSON.stringify(result.error)}`);
  return client;
}

/** Points `client`'s session at `teamId`; throws when refused. */
export async function switchTo(client: ApiClient, teamId: string): Promise<void> {
  const switched = await client.mutate("teams.switch", { teamId });
  if (switched.status !== 200) throw new Error(`could not switch to ${teamId}: ${JSON.stringify(switched.error)}`);
}

/** A new member of the team `admin` works in; their id. */
export async function addMember(admin: ApiClient, email: string, role: Role): Promise<string> {
  const created = await admin.mutate<{ id: string }>("users.create", {
    email,
    name: email.split("@")[0],
    password: passwordFor(email),
    role,
  });
  if (!created.data) throw new Error(`could not create ${email}: ${JSON.stringify(created.error)}`);
  return created.data.id;
}

export async function setUpTwoTeams(portal: Portal): Promise<TwoTeams> {
  const ada = await setUpAdmin(portal.url);
  const mine = await ada.query<{ teams: { id: string; name: string; current: boolean }[] }>("teams.mine");
  const teamA = mine.data?.teams.find((team) => team.current);
  if (!teamA) throw new Error(`no current team: ${JSON.stringify(mine.error)}`);
  const created = await ada.mutate<{ id: string; name: string }>("teams.create", { name: TEAM_B_NAME });
  if (!created.data) throw new Error(`could not create team B: ${JSON.stringify(created.error)}`);
  const teamB = { id: created.data.id, name: created.data.name };

  const membersA = new Map<Role, Member>();
  for (const role of ROLES) {
    const email = `a-${role}@example.com`;
    const id = await addMember(ada, email, role);
    membersA.set(role, {
      id,
      email,
      password: passwordFor(email),
      client: await signedIn(portal.url, email, passwordFor(email)),
    });
  }

  const adaB = await signedIn(portal.url, ADMIN.email, ADMIN.password);
  await switchTo(adaB, teamB.id);
  const key = await adaB.mutate<{ token: string; apiKey: { id: string } }>("account.createApiKey", {
    name: "harbour key",
  });
  if (!key.data) throw new Error(`could not make B's API key: ${JSON.stringify(key.error)}`);
  return {
    teamA: { id: teamA.id, name: teamA.name },
    teamB,
    ada,
    adaB,
    restB: new RestClient(portal.url, key.data.token),
    restBKeyId: key.data.apiKey.id,
    membersA,
  };
}

/** The member of `role` in A; throws when the setup did not make one. */
export function memberOf(teams: TwoTeams, role: Role): Member {
  const member = teams.membersA.get(role);
  if (!member) throw new Error(`no ${role} in team A`);
  return member;
}

/** The data of a call that must succeed; throws with the answer otherwise. */
export async function ok<T>(result: Promise<CallResult<T>>, what: string): Promise<T> {
  const answer = await result;
  if (answer.status !== 200 || answer.data === undefined)
    throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.error)}`);
  return answer.data;
}
