// Things people say aloud are numbered per team (incident #3, approval request #12). The number is
// the team's highest plus one, and (teamId, number) is unique in the database: two rows created at
// the same moment (two people, or two portal processes) both read the same highest number, one
// insert wins, and the other's unique violation makes it read again and take the next one.
import { isUniqueViolation } from "../apps/app-domains";
import type { Db } from "./client";

export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Far more than any real race: each retry means another row of the team was created meanwhile. */
const MAX_ATTEMPTS = 8;

/**
 * Runs `create` in a transaction with the team's next number (`last` reads the highest so far).
 * `create` must insert the row with that number, and may write more rows or refuse: everything
 * commits or rolls back with it, and a retry runs `create` again from the start.
 */
export async function withNextTeamNumber<T>(
  db: Db,
  last: (tx: Tx) => Promise<number | null>,
  create: (tx: Tx, number: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => create(tx, ((await last(tx)) ?? 0) + 1));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}
