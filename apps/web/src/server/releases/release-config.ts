// The configuration a release froze: everything needed to run it again exactly, secrets still
// sealed. A rollback runs this, not the app's current settings.
import { NETWORK_MODES, RESTART_POLICIES } from "@wheelhouse/shared";
import { z } from "zod";
import type { AppRecord } from "../apps/app-record";

export const releaseConfigSchema = z.object({
  port: z.number().int(),
  healthPath: z.string(),
  healthTimeoutSeconds: z.number().int(),
  replicas: z.number().int(),
  network: z.enum(NETWORK_MODES),
  restartPolicy: z.enum(RESTART_POLICIES),
  env: z.record(z.string(), z.string()),
  sealedSecrets: z.record(z.string(), z.string()),
});
export type ReleaseConfig = z.infer<typeof releaseConfigSchema>;

export function snapshotConfig(app: AppRecord): ReleaseConfig {
  return {
    port: app.port,
    healthPath: app.healthPath,
    healthTimeoutSeconds: app.healthTimeoutSeconds,
    replicas: app.replicas,
    network: app.network,
    restartPolicy: app.restartPolicy,
    env: app.env,
    sealedSecrets: app.sealedSecrets,
  };
}

export function readReleaseConfig(text: string): ReleaseConfig {
  return releaseConfigSchema.parse(JSON.parse(text));
}
