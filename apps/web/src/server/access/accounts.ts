// Accounts, teams and memberships: the business rules, free of tRPC and HTTP.
import type { Role } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { assertAdminOfEveryTeamOf } from "./account-reach";
import { hashPassword } from "./passwords";
import { endAllSessionsOf } from "./sessions";

export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return slug || "team";
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002"
  );
}

export async function hasAnyAdmin(db: Db): Promise<boolean> {
  return (await db.membership.count({ where: { role: "admin" } })) > 0;
}

export interface FirstAdminInput {
  email: string;
  name: string;
  password: string;
  teamName: string;
}

/**
 * Creates the first admin and their team. Refused once any admin exists, so the setup page cannot
 * be replayed to take over a running portal. The check and the insert share a transaction; on
 * SQLite writes are serialised, on PostgreSQL the unique team slug makes a race fail cleanly.
 */
export async function createFirstAdmin(db: Db, input: FirstAdminInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      if ((await tx.membership.count({ where: { role: "admin" } })) > 0) {
        throw new AppError("CONFLICT", "Wheelhouse is already set up. Sign in instead.");
      }
      const team = await tx.team.create({ data: { name: input.teamName, slug: slugify(input.teamName) } });
      const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
      await tx.membership.create({ data: { userId: user.id, teamId: team.id, role: "admin" } });
      return { user, team };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "Wheelhouse is already set up. Sign in instead.");
    throw error;
  }
}

export interface NewUserInput {
  teamId: string;
  email: string;
  name: string;
  password: string;
  role: Role;
}

export async function createUser(db: Db, input: NewUserInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: input.email, name: input.name, passwordHash } });
      await tx.membership.create({ data: { userId: user.id, teamId: input.teamId, role: input.role } });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("CONFLICT", `A user with the email ${input.email} already exists.`);
    throw error;
  }
}

export async function listTeamMembers(db: Db, teamId: string) {
  const memberships = await db.membership.findMany({
    where: { teamId },
    include: { user: { include: { secondFactor: { select: { enabledAt: true } } } } },
    orderBy: { createdAt: "asc" },
  });
  return memberships.map((m) => ({
    id: m.user.id,
    email: m.user.email,
    name: m.user.name,
    role: m.role as Role,
    disabled: m.user.disabledAt !== null,
    createdAt: m.user.createdAt,
    // Admins hold the container shell grant implicitly (terminal/shell-access.ts).
    containerShellGrant: m.role === "admin" || m.containerShellGrant,
    secondFactor: m.user.secondFactor?.enabledAt != null,
  }));
}

async function membershipOf(db: Db, teamId: string, userId: string) {
  const membership = await db.membership.findUnique({
    where: { userId_teamId: { userId, teamId } },
    include: { user: true },
  });
  if (!membership) throw new AppError("NOT_FOUND", "That user is not a member of this team.");
  return membership;
}

/** Refuses changes that would leave the team without an active admin: someone must be able to undo them. */
async function assertAnotherActiveAdmin(db: Db, teamId: string, userId: string) {
  const others = await db.membership.count({
    where: { teamId, role: "admin", userId: { not: userId }, user: { disabledAt: null } },
  });
  if (others === 0)
    throw new AppError("CONFLICT", "This is the team's last active admin. Make someone else an admin first.");
}

export async function setRole(db: Db, teamId: string, userId: string, role: Role) {
  const membership = await membershipOf(db, teamId, userId);
  if (membership.role === role) return { previous: role, user: membership.user };
  if (membership.role === "admin") await assertAnotherActiveAdmin(db, teamId, userId);
  await db.membership.update({ where: { id: membership.id }, data: { role } });
  return { previous: membership.role as Role, user: membership.user };
}

/** Gives or takes the container shell grant (terminal/shell-access.ts); admins hold it anyway. */
export async function setShellGrant(db: Db, teamId: string, userId: string, granted: boolean) {
  const membership = await membershipOf(db, teamId, userId);
  if (membership.role === "admin" && !granted) {
    throw new AppError("CONFLICT", "Admins hold the shell grant with their role. Change the role to take it away.");
  }
  await db.membership.update({ where: { id: membership.id }, data: { containerShellGrant: granted } });
  return { previous: membership.containerShellGrant, user: membership.user };
}

/** Disables the account and ends every one of its sessions in the same step. */
export async function setDisabled(db: Db, actorId: string, teamId: string, userId: string, disabled: boolean) {
  const membership = await membershipOf(db, teamId, userId);
  await assertAdminOfEveryTeamOf(db, actorId, userId, disabled ? "disabling an account" : "enabling an account");
  if (disabled && membership.role === "admin") await assertAnotherActiveAdmin(db, teamId, userId);
  await db.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
  const endedSessions = disabled ? await endAllSessionsOf(db, userId) : 0;
  return { user: membership.user, endedSessions };
}
