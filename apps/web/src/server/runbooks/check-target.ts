// What a runbook check is about, resolved from the incident: its app (with the columns live health
// added), the app's active instances, and the host the check runs on. From these the placeholders
// of a step ({app.port}, {app.domain}…) are filled in and the agent's CheckAppContext is built.
import { ACTIVE_INSTANCE_STATUSES, type CheckAppContext, type PlaceholderValues } from "@wheelhouse/shared";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";

type Services = Pick<PortalServices, "db" | "secrets">;

/** The container ids the agent accepts (the engine's full ids). */
const CONTAINER_ID = /^[0-9a-f]{64}$/;

export interface TargetInstance {
  hostId: string;
  status: string;
  containerId: string | null;
  hostPort: number | null;
  probeHostPort: number | null;
}

export interface TargetApp {
  id: string;
  name: string;
  port: number;
  healthPath: string;
  probePort: number | null;
  livenessPath: string | null;
  metricsPath: string | null;
  metricsPort: number | null;
  domains: string[];
  hostIds: string[];
  env: string;
  secrets: string;
  instances: TargetInstance[];
}

export interface CheckTarget {
  app: TargetApp | null;
  host: { id: string; name: string } | null;
}

export async function loadTargetApp(services: Services, teamId: string, appId: string): Promise<TargetApp | null> {
  const row = await services.db.app.findFirst({
    where: { id: appId, teamId },
    include: {
      domains: { select: { domain: true }, orderBy: { position: "asc" } },
      hosts: { select: { hostId: true }, orderBy: { position: "asc" } },
      instances: {
        where: { status: { in: [...ACTIVE_INSTANCE_STATUSES] } },
        select: { hostId: true, status: true, containerId: true, hostPort: true, probeHostPort: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    port: row.port,
    healthPath: row.healthPath,
    probePort: row.probePort,
    livenessPath: row.livenessPath,
    metricsPath: row.metricsPath,
    metricsPort: row.metricsPort,
    domains: row.domains.map(({ domain }) => domain),
    hostIds: row.hosts.map(({ hostId }) => hostId),
    env: row.env,
    secrets: row.secrets,
    instances: row.instances,
  };
}

/**
 * The host a check runs on: the incident's own, else a host where the app has a Healthy instance,
 * else any active instance, else the app's first host. Null when there is none at all.
 */
export function pickHostId(incidentHostId: string | null, app: TargetApp | null): string | null {
  if (incidentHostId) return incidentHostId;
  if (!app) return null;
  return (
    app.instances.find((instance) => instance.status === "Healthy")?.hostId ??
    app.instances[0]?.hostId ??
    app.hostIds[0] ??
    null
  );
}

export async function loadTarget(
  services: Services,
  teamId: string,
  appId: string | null,
  incidentHostId: string | null,
): Promise<CheckTarget> {
  const app = appId ? await loadTargetApp(services, teamId, appId) : null;
  const hostId = pickHostId(incidentHostId, app);
  const host = hostId
    ? await services.db.host.findFirst({ where: { id: hostId, teamId }, select: { id: true, name: true } })
    : null;
  return { app, host };
}

/** The app's active instances on one host, oldest first. */
function instancesOn(app: TargetApp, hostId: string | null): TargetInstance[] {
  return app.instances.filter((instance) => instance.hostId === hostId);
}

/** The port the metrics are served on, as a host port of this instance: the probe's or the app's. */
function metricsHostPort(app: TargetApp, instance: TargetInstance): number | null {
  if (app.metricsPath === null) return null;
  const metricsPort = app.metricsPort ?? app.probePort ?? app.port;
  if (metricsPort === app.port) return instance.hostPort;
  if (metricsPort === app.probePort) return instance.probeHostPort;
  // A metrics port of its own is not published on 127.0.0.1; the agent cannot reach it.
  return null;
}

export function placeholderValues({ app, host }: CheckTarget): PlaceholderValues {
  const values: PlaceholderValues = {};
  if (host) values["host.name"] = host.name;
  if (!app) return values;
  values["app.name"] = app.name;
  values["app.port"] = app.port;
  values["app.probePort"] = app.probePort ?? app.port;
  values["app.healthPath"] = app.healthPath;
  if (app.livenessPath) values["app.livenessPath"] = app.livenessPath;
  if (app.domains[0]) values["app.domain"] = app.domains[0];
  const first = instancesOn(app, host?.id ?? null)[0] ?? app.instances[0];
  if (first?.hostPort) values["app.hostPort"] = first.hostPort;
  return values;
}

/** The incident's app as it is on the check's host, for the agent. */
export function appContext({ app, host }: CheckTarget): CheckAppContext | null {
  if (!app) return null;
  return {
    appId: app.id,
    appName: app.name,
    containerPort: app.port,
    readinessPath: app.healthPath,
    livenessPath: app.livenessPath,
    metricsPath: app.metricsPath,
    instances: instancesOn(app, host?.id ?? null).flatMap((instance) =>
      instance.containerId && CONTAINER_ID.test(instance.containerId)
        ? [
            {
              containerId: instance.containerId,
              hostPort: instance.hostPort,
              probeHostPort: instance.probeHostPort,
              metricsHostPort: metricsHostPort(app, instance),
            },
          ]
        : [],
    ),
  };
}

/**
 * The value of the app's variable or secret `name` (a database URL). Secrets are opened here only
 * to travel to the agent inside the check's parameters; never logged, stored or returned.
 */
export function appVariable(services: Services, app: TargetApp, name: string): string {
  const env = JSON.parse(app.env) as Record<string, unknown>;
  const plain = env[name];
  if (typeof plain === "string") return plain;
  const sealed = (JSON.parse(app.secrets) as Record<string, unknown>)[name];
  if (typeof sealed === "string") return services.secrets.open(sealed);
  throw new AppError("NOT_FOUND", `${app.name} has no variable or secret named ${name}.`);
}
