// Integration suite set-up: the portal's UI build must exist (the tests start real portal
// processes); the test images are built once here, before test files run side by side (two files
// building the same tag at once trip over each other); and in PostgreSQL mode one throw-away
// cluster serves every test file, each of which creates its own database on it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startPostgresCluster } from "../../scripts/lib/postgres-cluster.ts";
import { dockerAvailable, ensureHttpdImage, ensureTestAppImage, ensureTestImage } from "./docker.ts";
import { repoRoot, testDatabaseKind } from "./portal.ts";

export default async function setup() {
  if (!existsSync(join(repoRoot, "apps", "web", ".next", "BUILD_ID"))) {
    throw new Error("The portal's UI is not built: run `npm run build` first (npm test does).");
  }
  if (await dockerAvailable()) {
    await ensureTestImage();
    await ensureHttpdImage();
    for (const variant of ["v1", "v2", "crash", "unhealthy"] as const) await ensureTestAppImage(variant);
  }
  if (testDatabaseKind() !== "postgres") return undefined;
  const cluster = await startPostgresCluster();
  process.env.WHEELHOUSE_TEST_PG_URL = cluster.url;
  return () => cluster.stop();
}
