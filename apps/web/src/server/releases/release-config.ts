// The configuration a release froze: everything needed to run it again exactly, secrets still
// sealed. A rollback runs this, not the app's current settings.
import { DEFAULT_HEALTH_SETTINGS, NETWORK_MODES, RESTART_POLICIES } from "@wheelhouse/shared";
import { z } from "zod";
import type { AppRecord } from "../apps/app-record";

export const releaseConfigSchema = z.object({
  port: z.number().int(),
  healthPath: z.string(),
  healthTimeoutSeconds: z.number().int(),
  // Live health (issue 13): releases made before it have none of these and run with the defaults.
  probePort: z.number().int().nullable().default(DEFAULT_HEALTH_SETTINGS.probePort),
  livenessPath: z.string().nullable().default(DEFAULT_HEALTH_SETTINGS.livenessPath),
  healthIntervalSeconds: z.number().int().default(DEFAULT_HEALTH_SETTINGS.healthIntervalSeconds),
  healthProbeTimeoutSeconds: z.number().int().default(DEFAULT_HEALTH_SETTINGS.healthProbeTimeoutSeconds),
  healthFailureThreshold: z.number().int().default(DEFAULT_HEALTH_SETTINGS.healthFailureThreshold),
  healthSuccessThreshold: z.number().int().default(DEFAULT_HEALTH_SETTINGS.healthSuccessThreshold),
  metricsPath: z.string().nullable().default(DEFAULT_HEALTH_SETTINGS.metricsPath),
  metricsPort: z.number().int().nullable().default(DEFAULT_HEALTH_SETTINGS.metricsPort),
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
    probePort: app.probePort,
    livenessPath: app.livenessPath,
    healthIntervalSeconds: app.healthIntervalSeconds,
    healthProbeTimeoutSeconds: app.healthProbeTimeoutSeconds,
    healthFailureThreshold: app.healthFailureThreshold,
    healthSuccessThreshold: app.healthSuccessThreshold,
    metricsPath: app.metricsPath,
    metricsPort: app.metricsPort,
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
