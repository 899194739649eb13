// Which app of a team serves a domain (issue 15): a certificate, ordered or uploaded, belongs to it.
import type { Db } from "../db/client";
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
