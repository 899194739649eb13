// Some changes reach a whole account, not one membership: disabling it, a password reset link, a
// cleared second factor. A person may belong to several teams, so an admin of one team doing these
// would reach into the others (a reset link signs in as that person everywhere). Such a change is
// allowed only to someone who is an admin of every team the person belongs to.
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

export async function assertAdminOfEveryTeamOf(db: Db, actorId: string, userId: string, what: string): Promise<void> {
  const memberships = await db.membership.findMany({
    where: { userId },
    select: { teamId: true, team: { select: { name: true } } },
  });
  const adminOf = new Set(
    (
      await db.membership.findMany({
        where: { userId: actorId, role: "admin", teamId: { in: memberships.map((m) => m.teamId) } },
        select: { teamId: true },
      })
    ).map((m) => m.teamId),
  );
  const beyond = memberships.filter((m) => !adminOf.has(m.teamId)).map((m) => m.team.name);
  if (beyond.length > 0) {
    throw new AppError(
      "FORBIDDEN",
      `This person also belongs to ${beyond.join(", ")}, where you are not an admin, and ${what} reaches every team they belong to. Remove them from this team instead, or ask an admin of every one of their teams.`,
    );
  }
}
