// Integration suite set-up: the portal's UI build must exist (the tests start real portal
// processes), and in PostgreSQL mode one throw-away cluster serves every test file, each of which
// creates its own database on it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { repoRoot, testDatabaseKind } from "./portal.ts";

export default async function setup() {
  if (!existsSync(join(repoRoot, "apps", "web", ".next", "BUILD_ID"))) {
    throw new Error("The portal's UI is not built: run `npm run build` first (npm test does).");
  }
  if (testDatabaseKind() !== "postgres") return undefined;
  const cluster = await startPostgresCluster();
  process.env.WHEELHOUSE_TEST_PG_URL = cluster.url;
  return () => cluster.stop();
}
