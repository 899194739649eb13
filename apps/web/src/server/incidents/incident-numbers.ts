// Incidents are numbered per team (#1, #2, …), as people say them aloud. The number is the team's
// highest plus one, and (teamId, number) is unique in the database: two incidents opened at the
// same moment (a person and a signal, or two portal processes) both read the same highest number,
// one insert wins, and the other's unique violation makes it read again and take the next one.
import { isUniqueViolation } from "../apps/app-domains";
import type { Db } from "../db/client";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Far more than any real race: each retry means another incident of the team was created meanwhile. */
const MAX_ATTEMPTS = 8;

/**
 * Runs `create` in a transaction with the team's next incident number. `create` must insert the
 * incident with that number (and may write more rows: they commit or roll back with it).
 */
export async function withNextIncidentNumber<T>(
  db: Db,
  teamId: string,
  create: (tx: Tx, number: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => {
        const last = await tx.incident.findFirst({
          where: { teamId },
          orderBy: { number: "desc" },
          select: { number: true },
        });
        return create(tx, (last?.number ?? 0) + 1);
      });
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}
