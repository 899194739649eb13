// An App row with its JSON columns parsed and its domain and host rows as lists. Maps stay JSON
// text (prisma/schema.prisma: one schema for SQLite and PostgreSQL); domains and hosts are tables
// the database checks (docs/decisions/023-app-lists-as-tables.md). This is the one place that
// reads them back, so callers see plain arrays either way.
import {
  ENVIRONMENTS,
  type Environment,
  type HealthSettings,
  NETWORK_MODES,
  type NetworkMode,
  PULL_POLICIES,
  type PullPolicy,
  RESTART_POLICIES,
  type RestartPolicy,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Prisma } from "../db/generated/sqlite/client";

/** What every query that becomes an AppRecord includes: the lists, in the order the user gave. */
export const appInclude = {
  domains: { select: { domain: true }, orderBy: { position: "asc" } },
  hosts: { select: { hostId: true }, orderBy: { position: "asc" } },
} satisfies Prisma.AppInclude;

export type AppRow = Prisma.AppGetPayload<{ include: typeof appInclude }>;

const stringMap = z.record(z.string(), z.string());

/** Live health (issue 13) comes from HealthSettings; `healthPath` is the readiness path. */
export interface AppRecord extends HealthSettings {
  id: string;
  teamId: string;
  name: string;
  environment: Environment;
  image: string;
  healthPath: string;
  healthTimeoutSeconds: number;
  replicas: number;
  network: NetworkMode;
  restartPolicy: RestartPolicy;
  pullPolicy: PullPolicy;
  /** Deploy on a registry push notification of this app's image and tag. */
  autoDeploy: boolean;
  domains: string[];
  hostIds: string[];
  env: Record<string, string>;
  /** Sealed values (config/secret-box.ts); open them only to hand them to an agent. */
  sealedSecrets: Record<string, string>;
  maintenance: boolean;
  /** HTTPS (issue 15): redirect plain HTTP of the certified domains; send Strict-Transport-Security. */
  httpsRedirect: boolean;
  hsts: boolean;
  createdAt: Date;
}

export function toAppRecord(row: AppRow): AppRecord {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    environment: z.enum(ENVIRONMENTS).parse(row.environment),
    image: row.image,
    port: row.port,
    healthPath: row.healthPath,
    healthTimeoutSeconds: row.healthTimeoutSeconds,
    probePort: row.probePort,
    livenessPath: row.livenessPath,
    healthIntervalSeconds: row.healthIntervalSeconds,
    healthProbeTimeoutSeconds: row.healthProbeTimeoutSeconds,
    healthFailureThreshold: row.healthFailureThreshold,
    healthSuccessThreshold: row.healthSuccessThreshold,
    metricsPath: row.metricsPath,
    metricsPort: row.metricsPort,
    replicas: row.replicas,
    network: z.enum(NETWORK_MODES).parse(row.network),
    restartPolicy: z.enum(RESTART_POLICIES).parse(row.restartPolicy),
    pullPolicy: z.enum(PULL_POLICIES).parse(row.pullPolicy),
    autoDeploy: row.autoDeploy,
    domains: row.domains.map((d) => d.domain),
    hostIds: row.hosts.map((h) => h.hostId),
    env: stringMap.parse(JSON.parse(row.env)),
    sealedSecrets: stringMap.parse(JSON.parse(row.secrets)),
    maintenance: row.maintenance,
    httpsRedirect: row.httpsRedirect,
    hsts: row.hsts,
    createdAt: row.createdAt,
  };
}
