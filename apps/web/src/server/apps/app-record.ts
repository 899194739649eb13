// An App row with its JSON columns parsed. The database keeps lists and maps as JSON text
// (prisma/schema.prisma: one schema for SQLite and PostgreSQL), so this is the one place that
// reads them back.
import {
  ENVIRONMENTS,
  type Environment,
  NETWORK_MODES,
  type NetworkMode,
  RESTART_POLICIES,
  type RestartPolicy,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { App as AppRow } from "../db/generated/sqlite/client";

const stringList = z.array(z.string());
const stringMap = z.record(z.string(), z.string());

export interface AppRecord {
  id: string;
  teamId: string;
  name: string;
  environment: Environment;
  image: string;
  port: number;
  healthPath: string;
  healthTimeoutSeconds: number;
  replicas: number;
  network: NetworkMode;
  restartPolicy: RestartPolicy;
  domains: string[];
  hostIds: string[];
  env: Record<string, string>;
  /** Sealed values (config/secret-box.ts); open them only to hand them to an agent. */
  sealedSecrets: Record<string, string>;
  maintenance: boolean;
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
    replicas: row.replicas,
    network: z.enum(NETWORK_MODES).parse(row.network),
    restartPolicy: z.enum(RESTART_POLICIES).parse(row.restartPolicy),
    domains: stringList.parse(JSON.parse(row.domains)),
    hostIds: stringList.parse(JSON.parse(row.hostIds)),
    env: stringMap.parse(JSON.parse(row.env)),
    sealedSecrets: stringMap.parse(JSON.parse(row.secrets)),
    maintenance: row.maintenance,
    createdAt: row.createdAt,
  };
}
