// One fresh portal (SQLite, its own port and data directory) for the end-to-end run.
import { startPortal } from "../support/portal.ts";

export default async function globalSetup() {
  const portal = await startPortal();
  process.env.WHEELHOUSE_E2E_URL = portal.url;
  // For the few checks a person cannot make through the portal (approvals.spec.ts ages a request).
  process.env.WHEELHOUSE_E2E_DATABASE_URL = portal.databaseUrl;
  return async () => {
    await portal.stop();
  };
}
