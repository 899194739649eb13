// Which app of a team serves a domain (issue 15): a certificate, ordered or uploaded, belongs to it.
import type { Db } from "../db/client";
import type { Tx } from "../db/team-numbers";
import { AppError } from "../errors/app-error";

/** The app of the team that serves this domain, or a sentence saying there is none. */
export async function appServing(db: Db, teamId: string, domain: string): Promise<{ id: string; name: string }> {
  const row = await db.appDomain.findUnique({
    where: { domain },
    select: { app: { select: { id: true, name: true, teamId: true } } },
  });
  if (!row || row.app.teamId !== teamId) {
    throw new AppError(
      "NOT_FOUND",
      `No app of your team serves ${domain}: add the domain to an app first, then ask for its certificate.`,
    );
  }
  return { id: row.app.id, name: row.app.name };
}

/**
 * The id of the domain's certificate when it is this team's, else null. Call after appServing said
 * an app of this team serves the domain. A certificate is one row per domain across teams, so a row
 * another team left when its app gave the domain up would stand in the way: it is removed, with its
 * history, rather than taken over (this team must not see that team's events, nor that team this
 * team's new certificate). While an order holds it, the person is asked to wait, as for their own.
 */
export async function certificateOfTeam(
  db: Db | Tx,
  teamId: string,
  domain: string,
  now: Date,
): Promise<string | null> {
  const row = await db.certificate.findUnique({ where: { domain }, select: { id: true, teamId: true } });
  if (!row) return null;
  if (row.teamId === teamId) return row.id;
  const { count } = await db.certificate.deleteMany({
    where: { id: row.id, teamId: row.teamId, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  if (count === 0) {
    throw new AppError("CONFLICT", `The certificate for ${domain} is being ordered right now; wait for it to finish.`);
  }
  return null;
}
