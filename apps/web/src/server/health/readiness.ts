// Readiness: the database answers and every migration is applied. Liveness (/health) checks nothing.
import type { PortalServices } from "../services";

const PING_TIMEOUT_MS = 2_000;

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

export async function checkReadiness(services: PortalServices): Promise<ReadinessReport> {
  let database: ReadinessReport["checks"]["database"];
  try {
    await withTimeout(services.db.$queryRawUnsafe("SELECT 1"), PING_TIMEOUT_MS);
    database = { ok: true };
  } catch (error) {
    database = { ok: false, error: `database unreachable: ${(error as Error).message.split("\n")[0]}` };
  }
  const { migrationsApplied, migrationError } = services.readiness;
  const migrations = migrationsApplied
    ? { ok: true }
    : { ok: false, error: migrationError ?? "migrations are still being applied" };
  return { ok: database.ok && migrations.ok, checks: { database, migrations } };
}
