// Several teams (issue 16, decision 045): a person belongs to teams with a role in each; a browser
// session works in one of them (Session.teamId), an API key in the one it was made in. Everything
// a team owns is read through `SessionUser.team`, so switching teams is one column on the session.
import type { MyTeam, Role } from "@wheelhouse/shared";
import { roleSchema } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { isUniqueViolation, slugify } from "./accounts";

const NOT_A_MEMBER = "You are not a member of that team.";
/** A portal is for one organisation's teams; this bounds what one admin's script can create. */
const MAX_TEAMS = 200;

export async function listMyTeams(db: Db, userId: string, currentTeamId: string): Promise<MyTeam[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { team: { select: { id: true, name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    id: m.team.id,
    name: m.team.name,
    slug: m.team.slug,
    role: roleSchema.parse(m.role),
    current: m.team.id === currentTeamId,
  }));
}

/** A free slug for `name`: the name's own, or with -2, -3… when another team has it. */
async function freeSlug(db: Db, name: string): Promise<string> {
  const base = slugify(name);
  const taken = new Set(
    (await db.team.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((t) => t.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A new team with its creator as its admin. Names are unique (case-insensitively), so the switcher tells them apart. */
export async function createTeam(db: Db, creatorId: string, name: string) {
  const teams = await db.team.findMany({ select: { name: true } });
  if (teams.length >= MAX_TEAMS) {
    throw new AppError("CONFLICT", `This portal already has ${MAX_TEAMS} teams, the most it allows.`);
  }
  if (teams.some((t) => t.name.toLowerCase() === name.toLowerCase())) {
    throw new AppError("CONFLICT", `A team named ${name} already exists. Choose another name.`);
  }
  const slug = await freeSlug(db, name);
  try {
    return await db.$transaction(async (tx) => {
      const team = await tx.team.create({ data: { name, slug } });
      await tx.membership.create({ data: { userId: creatorId, teamId: team.id, role: "admin" } });
      return { id: team.id, name: team.name, slug: team.slug };
    });
  } catch (error) {
    // Two teams created at once with one name: the slug is unique, the second is refused cleanly.
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", `A team named ${name} already exists.`);
    throw error;
  }
}

/**
 * Points this browser session at another of the person's teams. A team they do not belong to reads
 * as one that does not exist. API keys stay in the team they were made in.
 */
export async function switchTeam(db: Db, who: { sessionId: string; userId: string }, teamId: string) {
  if (who.sessionId.startsWith("apikey:")) {
    throw new AppError(
      "BAD_INPUT",
      "An API key works in the team it was made in. Make a key while working in the other team.",
    );
  }
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId: who.userId, teamId } },
    include: { team: { select: { id: true, name: true, slug: true } } },
  });
  if (!membership) throw new AppError("NOT_FOUND", NOT_A_MEMBER);
  await db.session.update({ where: { id: who.sessionId }, data: { teamId } });
  return { team: membership.team, role: roleSchema.parse(membership.role) as Role };
}

/**
 * Takes a person out of one team: their membership and the API keys they made for it. Their
 * account and other teams stay; a session working in this team falls back to their first team.
 */
export async function removeMember(db: Db, actorId: string, teamId: string, userId: string) {
  if (userId === actorId) {
    throw new AppError("BAD_INPUT", "You cannot remove yourself. Ask another admin of this team.");
  }
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId, teamId } },
    include: { user: { select: { id: true, email: true } } },
  });
  if (!membership) throw new AppError("NOT_FOUND", "That user is not a member of this team.");
  if (membership.role === "admin") {
    const others = await db.membership.count({
      where: { teamId, role: "admin", userId: { not: userId }, user: { disabledAt: null } },
    });
    if (others === 0) {
      throw new AppError("CONFLICT", "This is the team's last active admin. Make someone else an admin first.");
    }
  }
  const revokedKeys = await db.$transaction(async (tx) => {
    await tx.membership.delete({ where: { id: membership.id } });
    const keys = await tx.apiKey.updateMany({
      where: { userId, teamId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await tx.session.updateMany({ where: { userId, teamId }, data: { teamId: null } });
    return keys.count;
  });
  return { user: membership.user, role: roleSchema.parse(membership.role), revokedKeys };
}
