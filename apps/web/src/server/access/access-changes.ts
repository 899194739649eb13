// Changes to who may do what, with what must follow at once: live sockets told to re-check (a role
// or grant changed), or closed (an account disabled, a session signed out). The rules themselves
// are accounts.ts's and sessions.ts's; the events reach realtime/ through services.events.
import type { Role } from "@wheelhouse/shared";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import {
  createFirstAdmin,
  createUser,
  type FirstAdminInput,
  listTeamMembers,
  setDisabled,
  setRole,
  setShellGrant,
} from "./accounts";
import { endSession } from "./sessions";

type Services = Pick<PortalServices, "db" | "events">;

type Member = Awaited<ReturnType<typeof listTeamMembers>>[number];

/** A member as the REST API shows them (times as ISO text). */
function toMemberDto(member: Member) {
  return { ...member, createdAt: member.createdAt.toISOString() };
}

export async function listMembers(db: Services["db"], teamId: string) {
  return (await listTeamMembers(db, teamId)).map(toMemberDto);
}

/** First-run setup: the first admin and their team; the team's local agent enrolment waits on the event. */
export async function setUpFirstAdmin(services: Services, input: FirstAdminInput) {
  const created = await createFirstAdmin(services.db, input);
  services.events.emit("teamCreated", created.team.id);
  return created;
}

/** Ends one session and closes the sockets it opened. */
export async function signOutSession(services: Services, sessionId: string): Promise<void> {
  await endSession(services.db, sessionId);
  services.events.emit("sessionEnded", sessionId);
}

/**
 * The API's way to add a member (`wheelhouse users add`): only to the caller's own team, named
 * after the email's local part when no name is given, answered as the members list shows them.
 */
export async function addTeamMember(
  db: Services["db"],
  team: { id: string; name: string; slug: string },
  input: { email: string; name?: string | undefined; password: string; role: Role; team?: string | undefined },
) {
  if (input.team && input.team !== team.name && input.team !== team.slug) {
    throw new AppError("BAD_INPUT", `You can add users to your own team (${team.name}) only.`);
  }
  const name = input.name ?? input.email.split("@")[0] ?? input.email;
  const user = await createUser(db, {
    email: input.email,
    name,
    password: input.password,
    role: input.role,
    teamId: team.id,
  });
  const member = (await listTeamMembers(db, team.id)).find((m) => m.id === user.id);
  if (!member) throw new AppError("NOT_FOUND", "The new user could not be read back.");
  return toMemberDto(member);
}

/** Live sockets (logs, shells) re-check at once what this person may still hold. */
export async function changeRole(services: Services, teamId: string, userId: string, role: Role) {
  const changed = await setRole(services.db, teamId, userId, role);
  if (changed.previous !== role) services.events.emit("accessChanged", changed.user.id);
  return changed;
}

export async function changeShellGrant(services: Services, teamId: string, userId: string, granted: boolean) {
  const changed = await setShellGrant(services.db, teamId, userId, granted);
  if (changed.previous !== granted) services.events.emit("accessChanged", changed.user.id);
  return changed;
}

/** A disabled account's open pages go to sign-in at once: its sessions end and their sockets close. */
export async function changeDisabled(
  services: Services,
  actor: { id: string; teamId: string },
  userId: string,
  disabled: boolean,
) {
  const changed = await setDisabled(services.db, actor.id, actor.teamId, userId, disabled);
  if (disabled) services.events.emit("sessionsEnded", changed.user.id);
  return changed;
}
