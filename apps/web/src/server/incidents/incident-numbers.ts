// Incidents are numbered per team (#1, #2, …), as people say them aloud (db/team-numbers.ts).
import type { Db } from "../db/client";
import { type Tx, withNextTeamNumber } from "../db/team-numbers";

/**
 * Runs `create` in a transaction with the team's next incident number. `create` must insert the
 * incident with that number (and may write more rows: they commit or roll back with it).
 */
export function withNextIncidentNumber<T>(
  db: Db,
  teamId: string,
  create: (tx: Tx, number: number) => Promise<T>,
): Promise<T> {
  const last = async (tx: Tx) =>
    (await tx.incident.findFirst({ where: { teamId }, orderBy: { number: "desc" }, select: { number: true } }))
      ?.number ?? null;
  return withNextTeamNumber(db, last, create);
}
