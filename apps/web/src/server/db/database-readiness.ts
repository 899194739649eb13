// Brings the database to the current schema at start-up (main.ts then marks the portal ready), and keeps trying while it is unreachable:
// the portal stays up (liveness answers) and /health/ready names what is missing until it works.
// Errors that waiting cannot fix (wrong password, a database that does not exist, an edited
// migration) stop the process with a sentence saying what to change.
import type { Logger } from "../logging/logger";
import type { PortalServices } from "../services";
import { applyMigrations, MigrationError } from "./migrations/apply-migrations";

/** PostgreSQL error codes that no retry will fix. */
const PERMANENT_PG_CODES: Record<string, string> = {
  "28P01": "the password in DATABASE_URL was refused",
  "28000": "the user in DATABASE_URL may not connect",
  "3D000": "the database named in DATABASE_URL does not exist",
};

export class FatalDatabaseError extends Error {}

function describe(error: unknown): { permanent: string | null; message: string } {
  const code = (error as { code?: unknown }).code;
  if (error instanceof MigrationError) return { permanent: error.message, message: error.message };
  if (typeof code === "string" && code in PERMANENT_PG_CODES) {
    return {
      permanent: `DATABASE_URL: ${PERMANENT_PG_CODES[code]}. Fix DATABASE_URL and start again.`,
      message: (error as Error).message,
    };
  }
  return { permanent: null, message: (error as Error).message };
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
      services.readiness.migrationError = null;
      logger.info({ applied: report.applied, alreadyApplied: report.alreadyApplied }, "database schema is current");
      return;
    } catch (error) {
      const { permanent, message } = describe(error);
      if (permanent) throw new FatalDatabaseError(permanent);
      services.readiness.migrationError = `database unreachable, retrying: ${message}`;
      logger.warn({ err: error, retryInMs: delay }, "database not reachable yet; retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
