// The team's Prometheus targets (issue 13 item 1): every instance that passed its health check
// (Healthy or Unhealthy) of the team's apps with a metrics path, in Prometheus's HTTP service
// discovery format, so one `http_sd_configs` block follows instances as deploys come and go.
//
// The address: instance ports are published on the host's 127.0.0.1 only. For an instance on the
// portal's own machine (the quick start's local agent) that is 127.0.0.1; for any other host it is
// the host's name as its agent reports it (facts.hostname), which a Prometheus elsewhere can reach
// only through that host (a Prometheus or a proxy running there, or an SSH tunnel): see
// docs/decisions/034-alert-and-metrics-tokens.md.
import { hostname as portalHostname } from "node:os";
import { CHECKED_INSTANCE_STATUSES, type PrometheusTargetGroup } from "@wheelhouse/shared";
import type { Db } from "../db/client";

/** What one instance contributes; the loader gathers it, the builder is pure. */
export interface MetricsInstance {
  instanceId: string;
  hostPort: number | null;
  probeHostPort: number | null;
  releaseNumber: number | null;
  app: {
    name: string;
    environment: string;
    port: number;
    probePort: number | null;
    metricsPath: string;
    metricsPort: number | null;
  };
  host: { name: string; factsHostname: string | null };
}

/**
 * The host port that publishes the app's metrics port, or null when that port is not published.
 * A null metrics port means the probe port, and a null probe port the app's port.
 */
export function metricsHostPort(instance: Pick<MetricsInstance, "hostPort" | "probeHostPort" | "app">): number | null {
  const { port, probePort, metricsPort } = instance.app;
  const wanted = metricsPort ?? probePort ?? port;
  if (wanted === port) return instance.hostPort;
  if (wanted === probePort) return instance.probeHostPort;
  // A third port inside the container: Wheelhouse publishes only the app's and the probe port.
  return null;
}

/** Where Prometheus reaches the host's loopback-published ports (see the header). */
export function scrapeHost(host: MetricsInstance["host"], ownHostname: string): string {
  if (host.factsHostname === null || host.factsHostname === ownHostname) return "127.0.0.1";
  return host.factsHostname;
}

/** The HTTP SD document: one group per instance, so each carries its own labels. */
export function buildTargetGroups(instances: readonly MetricsInstance[], ownHostname: string): PrometheusTargetGroup[] {
  const groups: PrometheusTargetGroup[] = [];
  for (const instance of instances) {
    const port = metricsHostPort(instance);
    if (port === null) continue;
    groups.push({
      targets: [`${scrapeHost(instance.host, ownHostname)}:${port}`],
      labels: {
        __metrics_path__: instance.app.metricsPath,
        app: instance.app.name,
        environment: instance.app.environment,
        host: instance.host.name,
        release: instance.releaseNumber === null ? "" : String(instance.releaseNumber),
        instance: instance.instanceId,
      },
    });
  }
  // A stable order, so Prometheus (and a person diffing two answers) sees changes only when they happen.
  return groups.sort((a, b) => (a.labels.instance ?? "").localeCompare(b.labels.instance ?? ""));
}

function factsHostname(facts: string): string | null {
  try {
    const parsed: unknown = JSON.parse(facts);
    if (typeof parsed === "object" && parsed !== null && "hostname" in parsed && typeof parsed.hostname === "string") {
      return parsed.hostname;
    }
  } catch {
    // Facts are written by the portal from a parsed agent message; unreadable ones mean "not reported yet".
  }
  return null;
}

/** The team's instances with metrics, read in three queries whatever their number. */
export async function loadMetricsInstances(db: Db, teamId: string): Promise<MetricsInstance[]> {
  const rows = await db.containerInstance.findMany({
    where: {
      status: { in: [...CHECKED_INSTANCE_STATUSES] },
      app: { teamId, metricsPath: { not: null } },
    },
    select: {
      id: true,
      hostPort: true,
      probeHostPort: true,
      releaseId: true,
      hostId: true,
      app: {
        select: {
          name: true,
          environment: true,
          port: true,
          probePort: true,
          metricsPath: true,
          metricsPort: true,
        },
      },
    },
  });
  if (rows.length === 0) return [];
  const [releases, hosts] = await Promise.all([
    db.release.findMany({
      where: { id: { in: [...new Set(rows.map((row) => row.releaseId))] } },
      select: { id: true, number: true },
    }),
    db.host.findMany({
      where: { id: { in: [...new Set(rows.map((row) => row.hostId))] }, teamId },
      select: { id: true, name: true, facts: true },
    }),
  ]);
  const releaseNumbers = new Map(releases.map((release) => [release.id, release.number]));
  const hostsById = new Map(hosts.map((host) => [host.id, host]));
  return rows.flatMap((row) => {
    const host = hostsById.get(row.hostId);
    const metricsPath = row.app.metricsPath;
    if (!host || metricsPath === null) return [];
    return [
      {
        instanceId: row.id,
        hostPort: row.hostPort,
        probeHostPort: row.probeHostPort,
        releaseNumber: releaseNumbers.get(row.releaseId) ?? null,
        app: { ...row.app, metricsPath },
        host: { name: host.name, factsHostname: factsHostname(host.facts) },
      },
    ];
  });
}

export async function prometheusTargets(db: Db, teamId: string): Promise<PrometheusTargetGroup[]> {
  return buildTargetGroups(await loadMetricsInstances(db, teamId), portalHostname());
}
