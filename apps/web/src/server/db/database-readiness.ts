// Brings the database to the current schema at start-up (main.ts then marks the portal ready), and keeps trying while it is unreachable:
// the portal stays up (liveness answers) and /health/ready says "migrations: pending" until it works
// (the reason goes to the log, with each retry).
// Errors that waiting cannot fix (wrong password, a database that does not exist, an edited
// migration) stop the process with a sentence saying what to change.
import type { Logger } from "../logging/logger";
import type { PortalServices } from "../services";
import { isDiskFull } from "./disk-full";
import { applyMigrations, MigrationError } from "./migrations/apply-migrations";

/** PostgreSQL error codes that no retry will fix. */
const PERMANENT_PG_CODES: Record<string, string> = {
  "28P01": "the password in DATABASE_URL was refused",
  "28000": "the user in DATABASE_URL may not connect",
  "3D000": "the database named in DATABASE_URL does not exist",
};

export class FatalDatabaseError extends Error {}

/** The sentence for an error no retry will fix, or null when waiting may help. */
function permanentReason(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  if (error instanceof MigrationError) return error.message;
  if (typeof code === "string" && code in PERMANENT_PG_CODES) {
    return `DATABASE_URL: ${PERMANENT_PG_CODES[code]}. Fix DATABASE_URL and start again.`;
  }
  return null;
}

export async function migrateWhenReachable(
  services: PortalServices,
  logger: Logger,
  signal: AbortSignal,
): Promise<void> {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const report = await applyMigrations(services.config.database);
      logger.info({ applied: report.applied, alreadyApplied: report.alreadyApplied }, "database schema is current");
      return;
    } catch (error) {
      const permanent = permanentReason(error);
      if (permanent) throw new FatalDatabaseError(permanent);
      logger.warn(
        { err: error, retryInMs: delay },
        isDiskFull(error)
          ? "the database's disk is full: the schema cannot be brought up to date until there is room; retrying"
          : "database not reachable yet; retrying",
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
