// Apps: the team's desired state. Creating or editing an app changes nothing on a host; a deploy
// does (deployments/). Every rule a user can break has its own sentence.
import {
  ACTIVE_INSTANCE_STATUSES,
  type App,
  type AppDetail,
  type CreateAppInput,
  createAppInputSchema,
  type HealthSettings,
  healthSettingsProblem,
  RESERVED_ENV_KEYS,
  type UpdateAppInput,
  updateAppInputSchema,
} from "@wheelhouse/shared";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/sqlite/client";
import { statusIn } from "../db/status-filter";
import { deploymentInclude, isFinished, toDeploymentDto } from "../deployments/deployment-records";
import { AppError } from "../errors/app-error";
import { toReleaseDto } from "../releases/releases";
import { assertListedOnce, domainRows, domainTakenError, hostRows, isUniqueViolation } from "./app-domains";
import { type AppRecord, appInclude, toAppRecord } from "./app-record";

export async function getApp(db: Db, teamId: string, name: string): Promise<AppRecord> {
  const row = await db.app.findUnique({ where: { teamId_name: { teamId, name } }, include: appInclude });
  if (!row) throw new AppError("NOT_FOUND", `There is no app named ${name} in your team.`);
  return toAppRecord(row);
}

/** Host names or ids → ids of the team's active hosts. None given: the team's only host. */
async function resolveHosts(db: Db, teamId: string, wanted: string[]): Promise<string[]> {
  const hosts = await db.host.findMany({ where: { teamId, revokedAt: null }, select: { id: true, name: true } });
  if (wanted.length === 0) {
    if (hosts.length === 1 && hosts[0]) return [hosts[0].id];
    throw new AppError(
      "BAD_INPUT",
      hosts.length === 0
        ? "Your team has no host yet. Add one on the Hosts page first."
        : `Choose the hosts the app runs on (${hosts.map((h) => h.name).join(", ")}).`,
    );
  }
  const ids = new Set<string>();
  for (const name of wanted) {
    const host = hosts.find((h) => h.id === name || h.name === name);
    if (!host) throw new AppError("BAD_INPUT", `There is no active host named ${name} in your team.`);
    ids.add(host.id);
  }
  return [...ids];
}

function assertVariables(env: Record<string, string>, secretKeys: string[]): void {
  for (const key of [...Object.keys(env), ...secretKeys]) {
    if ((RESERVED_ENV_KEYS as readonly string[]).includes(key)) {
      throw new AppError("BAD_INPUT", `${key} is set by Wheelhouse for every instance; remove it from the variables.`);
    }
  }
  const both = secretKeys.find((key) => key in env);
  if (both) throw new AppError("BAD_INPUT", `${both} is both a variable and a secret; keep one.`);
}

/** The live-health fields as they will be stored, checked together (app-fields.ts healthSettingsProblem). */
function assertHealthSettings(settings: HealthSettings): void {
  const problem = healthSettingsProblem(settings);
  if (problem) throw new AppError("BAD_INPUT", problem);
}

/** The live-health fields of an input or a record, nothing else. */
function healthSettingsOf(source: HealthSettings): HealthSettings {
  return {
    port: source.port,
    probePort: source.probePort,
    livenessPath: source.livenessPath,
    healthIntervalSeconds: source.healthIntervalSeconds,
    healthProbeTimeoutSeconds: source.healthProbeTimeoutSeconds,
    healthFailureThreshold: source.healthFailureThreshold,
    healthSuccessThreshold: source.healthSuccessThreshold,
    metricsPath: source.metricsPath,
    metricsPort: source.metricsPort,
  };
}

/** The health fields to store or show: the port is its own field. */
function withoutPort({ port: _port, ...rest }: HealthSettings): Omit<HealthSettings, "port"> {
  return rest;
}

function sealAll(box: SecretBox, secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).map(([key, value]) => [key, box.seal(value)]));
}

export async function createApp(db: Db, box: SecretBox, teamId: string, raw: CreateAppInput): Promise<AppRecord> {
  const input = createAppInputSchema.parse(raw);
  if (await db.app.findUnique({ where: { teamId_name: { teamId, name: input.name } } })) {
    throw new AppError("CONFLICT", `An app named ${input.name} already exists in your team.`);
  }
  assertVariables(input.env, Object.keys(input.secrets));
  assertListedOnce(input.domains);
  const health = healthSettingsOf(input);
  assertHealthSettings(health);
  const hostIds = await resolveHosts(db, teamId, input.hosts);
  // One insert with its domain and host rows: a domain another app holds fails it whole (app-domains.ts).
  const row = await db.app
    .create({
      data: {
        teamId,
        name: input.name,
        environment: input.environment,
        image: input.image,
        port: input.port,
        healthPath: input.healthPath,
        healthTimeoutSeconds: input.healthTimeoutSeconds,
        ...withoutPort(health),
        replicas: input.replicas,
        network: input.network,
        restartPolicy: input.restartPolicy,
        pullPolicy: input.pullPolicy,
        autoDeploy: input.autoDeploy,
        domains: { create: domainRows(input.domains) },
        hosts: { create: hostRows(hostIds) },
        env: JSON.stringify(input.env),
        secrets: JSON.stringify(sealAll(box, input.secrets)),
      },
      include: appInclude,
    })
    .catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      const taken = await domainTakenError(db, teamId, input.domains, null);
      if (taken) throw taken;
      // The other unique key: an app of the same name created since the check above.
      throw new AppError("CONFLICT", `An app named ${input.name} already exists in your team.`);
    });
  return toAppRecord(row);
}

/** What changed, by field name, for the audit trail (secret values never appear). */
export type AppChanges = string[];

export async function updateApp(
  db: Db,
  box: SecretBox,
  teamId: string,
  raw: UpdateAppInput,
): Promise<{ app: AppRecord; changed: AppChanges }> {
  const input = updateAppInputSchema.parse(raw);
  const app = await getApp(db, teamId, input.name);
  const sealed = { ...app.sealedSecrets };
  for (const [key, value] of Object.entries(input.secrets ?? {})) {
    if (value === null) delete sealed[key];
    else sealed[key] = box.seal(value);
  }
  const env = input.env ?? app.env;
  assertVariables(env, Object.keys(sealed));
  if (input.domains) assertListedOnce(input.domains);
  // Left out keeps the stored value; null (where allowed) clears it.
  const health = healthSettingsOf({
    port: input.port ?? app.port,
    probePort: input.probePort === undefined ? app.probePort : input.probePort,
    livenessPath: input.livenessPath === undefined ? app.livenessPath : input.livenessPath,
    healthIntervalSeconds: input.healthIntervalSeconds ?? app.healthIntervalSeconds,
    healthProbeTimeoutSeconds: input.healthProbeTimeoutSeconds ?? app.healthProbeTimeoutSeconds,
    healthFailureThreshold: input.healthFailureThreshold ?? app.healthFailureThreshold,
    healthSuccessThreshold: input.healthSuccessThreshold ?? app.healthSuccessThreshold,
    metricsPath: input.metricsPath === undefined ? app.metricsPath : input.metricsPath,
    metricsPort: input.metricsPort === undefined ? app.metricsPort : input.metricsPort,
  });
  assertHealthSettings(health);
  const hostIds = input.hosts ? await resolveHosts(db, teamId, input.hosts) : app.hostIds;
  const { name: _name, secrets: _secrets, hosts: _hosts, ...fields } = input;
  const changed = [
    ...Object.keys(fields).filter((key) => fields[key as keyof typeof fields] !== undefined),
    ...(input.hosts ? ["hosts"] : []),
    ...(input.secrets ? Object.keys(input.secrets).map((key) => `secret ${key}`) : []),
  ];
  // The lists are replaced whole, in one transaction with the app's row; a domain another app holds
  // fails it (app-domains.ts) and nothing changes.
  const row = await db
    .$transaction(async (tx) => {
      if (input.domains) await tx.appDomain.deleteMany({ where: { appId: app.id } });
      if (input.hosts) await tx.appHost.deleteMany({ where: { appId: app.id } });
      return tx.app.update({
        where: { id: app.id },
        data: {
          ...(input.environment ? { environment: input.environment } : {}),
          ...(input.image ? { image: input.image } : {}),
          ...(input.port ? { port: input.port } : {}),
          ...(input.healthPath ? { healthPath: input.healthPath } : {}),
          ...(input.healthTimeoutSeconds ? { healthTimeoutSeconds: input.healthTimeoutSeconds } : {}),
          ...withoutPort(health),
          ...(input.replicas ? { replicas: input.replicas } : {}),
          ...(input.network ? { network: input.network } : {}),
          ...(input.restartPolicy ? { restartPolicy: input.restartPolicy } : {}),
          ...(input.pullPolicy ? { pullPolicy: input.pullPolicy } : {}),
          ...(input.autoDeploy !== undefined ? { autoDeploy: input.autoDeploy } : {}),
          ...(input.httpsRedirect !== undefined ? { httpsRedirect: input.httpsRedirect } : {}),
          ...(input.hsts !== undefined ? { hsts: input.hsts } : {}),
          ...(input.domains ? { domains: { create: domainRows(input.domains) } } : {}),
          ...(input.hosts ? { hosts: { create: hostRows(hostIds) } } : {}),
          env: JSON.stringify(env),
          secrets: JSON.stringify(sealed),
        },
        include: appInclude,
      });
    })
    .catch(async (error: unknown) => {
      const taken = isUniqueViolation(error) ? await domainTakenError(db, teamId, input.domains ?? [], app.id) : null;
      throw taken ?? error;
    });
  return { app: toAppRecord(row), changed };
}

export async function setMaintenance(db: Db, teamId: string, name: string, enabled: boolean): Promise<AppRecord> {
  const app = await getApp(db, teamId, name);
  const row = await db.app.update({ where: { id: app.id }, data: { maintenance: enabled }, include: appInclude });
  return toAppRecord(row);
}

/** The app as the API shows it: names of hosts, the live release, the last deployment, a status word. */
export async function toAppDto(db: Db, app: AppRecord): Promise<App> {
  const [dto] = await toAppDtos(db, [app]);
  if (!dto) throw new Error(`no answer for app ${app.name}`);
  return dto;
}

/**
 * Many apps at once in a fixed number of queries (five, whatever the number of apps): the apps list
 * is the portal's busiest read, and one query set per app made it slow (bench/api, B5).
 */
export async function toAppDtos(db: Db, apps: readonly AppRecord[]): Promise<App[]> {
  if (apps.length === 0) return [];
  const appIds = apps.map((app) => app.id);
  const [hosts, lives, newest] = await Promise.all([
    db.host.findMany({
      where: { id: { in: [...new Set(apps.flatMap((app) => app.hostIds))] } },
      select: { id: true, name: true },
    }),
    db.deployment.findMany({
      where: { appId: { in: appIds }, status: "Live" },
      include: { release: true },
      orderBy: { createdAt: "desc" },
    }),
    // The newest deployment's time per app, in the database (an index on appId, createdAt serves it).
    db.deployment.groupBy({ by: ["appId"], where: { appId: { in: appIds } }, _max: { createdAt: true } }),
  ]);
  const lastRows = await db.deployment.findMany({
    where: {
      OR: newest.flatMap((row) => (row._max.createdAt ? [{ appId: row.appId, createdAt: row._max.createdAt }] : [])),
    },
    include: deploymentInclude,
    orderBy: { createdAt: "desc" },
  });
  const hostName = new Map(hosts.map((host) => [host.id, host.name]));
  return apps.map((app) =>
    appDtoFrom(app, {
      hostName,
      live: lives.find((row) => row.appId === app.id),
      last: lastRows.find((row) => row.appId === app.id),
    }),
  );
}

type LiveRow = Prisma.DeploymentGetPayload<{ include: { release: true } }>;
type LastRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentInclude }>;

function appDtoFrom(
  app: AppRecord,
  found: { hostName: Map<string, string>; live: LiveRow | undefined; last: LastRow | undefined },
): App {
  const { live, last } = found;
  const liveRelease = live?.release ? toReleaseDto(live.release, live.release.id) : null;
  const status = app.maintenance
    ? "Maintenance"
    : last && !isFinished(last.status)
      ? "Deploying"
      : liveRelease
        ? "Live"
        : last?.status === "Failed"
          ? "Failed"
          : "NotDeployed";
  return {
    id: app.id,
    name: app.name,
    environment: app.environment,
    image: app.image,
    port: app.port,
    healthPath: app.healthPath,
    healthTimeoutSeconds: app.healthTimeoutSeconds,
    ...withoutPort(healthSettingsOf(app)),
    replicas: app.replicas,
    network: app.network,
    restartPolicy: app.restartPolicy,
    pullPolicy: app.pullPolicy,
    autoDeploy: app.autoDeploy,
    domains: app.domains,
    hosts: app.hostIds.map((id) => ({ id, name: found.hostName.get(id) ?? "(removed host)" })),
    env: app.env,
    secretKeys: Object.keys(app.sealedSecrets).sort(),
    maintenance: app.maintenance,
    httpsRedirect: app.httpsRedirect,
    hsts: app.hsts,
    status,
    liveRelease,
    lastDeployment: last ? toDeploymentDto(last) : null,
    createdAt: app.createdAt.toISOString(),
  };
}

export async function listApps(db: Db, teamId: string): Promise<App[]> {
  const rows = await db.app.findMany({ where: { teamId }, orderBy: { name: "asc" }, include: appInclude });
  return toAppDtos(db, rows.map(toAppRecord));
}

export async function appDetail(db: Db, teamId: string, name: string): Promise<AppDetail> {
  const app = await getApp(db, teamId, name);
  const [dto, instances, hosts] = await Promise.all([
    toAppDto(db, app),
    db.containerInstance.findMany({
      where: { appId: app.id, status: statusIn(ACTIVE_INSTANCE_STATUSES) },
      orderBy: { createdAt: "asc" },
    }),
    db.host.findMany({ where: { teamId }, select: { id: true, name: true } }),
  ]);
  const releases = await db.release.findMany({
    where: { id: { in: instances.map((i) => i.releaseId) } },
    select: { id: true, number: true },
  });
  return {
    ...dto,
    instances: instances.map((instance) => ({
      id: instance.id,
      hostName: hosts.find((h) => h.id === instance.hostId)?.name ?? "(removed host)",
      containerId: instance.containerId,
      containerName: instance.containerName,
      hostPort: instance.hostPort,
      probeHostPort: instance.probeHostPort,
      releaseNumber: releases.find((r) => r.id === instance.releaseId)?.number ?? null,
      status: instance.status as AppDetail["instances"][number]["status"],
      failureReason: instance.failureReason,
      probeHealthy: instance.probeHealthy,
      probeReason: instance.probeReason,
      probedAt: instance.probedAt?.toISOString() ?? null,
    })),
  };
}
