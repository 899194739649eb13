// Readiness: the database answers, can save changes, and every migration is applied. Liveness
// (/health) checks nothing. Anyone may ask, so the answer names the failing check and no more
// ("database: unreachable"); the database's own error text goes to the log, at most once a minute.
import type { PortalServices } from "../services";

const PING_TIMEOUT_MS = 2_000;
const LOG_EVERY_MS = 60_000;

const READINESS_ERRORS = {
  unreachable: "database: unreachable",
  diskFull: "database: cannot write (disk full)",
  migrationsPending: "migrations: pending",
} as const;

export interface ReadinessReport {
  ok: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; error?: string };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One check function per portal; it remembers when it last logged, so a polling load balancer adds no log lines. */
export function createReadinessCheck(services: PortalServices): () => Promise<ReadinessReport> {
  let unreachableLoggedAt: number | null = null;
  return async function checkReadiness() {
    let database: ReadinessReport["checks"]["database"];
    try {
      await withTimeout(services.db.$queryRawUnsafe("SELECT 1"), PING_TIMEOUT_MS);
      unreachableLoggedAt = null;
      // The ping is a read; whether writes fit is what db/write-health.ts last saw.
      database = services.writes.diskFull ? { ok: false, error: READINESS_ERRORS.diskFull } : { ok: true };
    } catch (error) {
      const now = Date.now();
      if (unreachableLoggedAt === null || now - unreachableLoggedAt >= LOG_EVERY_MS) {
        unreachableLoggedAt = now;
        services.logger.warn({ err: error }, "readiness: the database does not answer");
      }
      database = { ok: false, error: READINESS_ERRORS.unreachable };
    }
    const migrations = services.readiness.migrationsApplied
      ? { ok: true }
      : { ok: false, error: READINESS_ERRORS.migrationsPending };
    return { ok: database.ok && migrations.ok, checks: { database, migrations } };
  };
}
