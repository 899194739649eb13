// What the portal does with an agent's live-health report (agent:instance-health): the instance's
// row follows the verdict, the host's nginx is given its healthy instances again (NginxSync keeps
// only Healthy ones and the placeholder when none is left), open pages refetch, and an instance that
// became Unhealthy raises a signal. Every write is scoped to the reporting host: an agent may name any
// instance id, true or not, and one that is not its own changes nothing.

import type { EventEmitter } from "node:events";
import {
  CHECKED_INSTANCE_STATUSES,
  type InstanceHealthEvent,
  type InstanceStatus,
  type RaisedSignal,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import type { NginxSync } from "../deployments/nginx-sync";
import type { SignalIntake } from "../incidents/signal-intake";
import type { Logger } from "../logging/logger";
import type { PortalEvents } from "../services";

/** What a report needs of the portal (PortalServices has it all; a unit test passes stand-ins for nginx and signals). */
export interface HealthReportServices {
  db: Db;
  nginx: Pick<NginxSync, "apply">;
  events: Pick<EventEmitter<PortalEvents>, "emit">;
  signals: Pick<SignalIntake, "raise">;
  logger: Pick<Logger, "info" | "warn" | "error">;
}

type Services = HealthReportServices;

export interface Reporter {
  hostId: string;
  teamId: string;
}

const HEALTHY: InstanceStatus = "Healthy";
const UNHEALTHY: InstanceStatus = "Unhealthy";

/** "ready again" / "Unhealthy", "restarted", or "ignored" (not a live instance of this host, or nothing changed). */
export type ReportOutcome = "healthy" | "unhealthy" | "restarted" | "ignored";

export async function applyHealthReport(
  services: Services,
  { hostId, teamId }: Reporter,
  event: InstanceHealthEvent,
): Promise<ReportOutcome> {
  const { db, logger } = services;
  const instance = await db.containerInstance.findFirst({
    where: {
      id: event.instanceId,
      hostId,
      containerId: event.containerId,
      status: statusIn(CHECKED_INSTANCE_STATUSES),
      deployment: { status: "Live" },
    },
    include: { app: { select: { id: true, name: true, teamId: true, environment: true } } },
  });
  // Stopped or replaced since the agent probed it, or another host's: nothing to follow.
  if (!instance || instance.app.teamId !== teamId) return "ignored";
  const where = { id: instance.id, hostId, status: statusIn(CHECKED_INSTANCE_STATUSES) };
  const now = new Date();

  if (event.probe === "liveness") {
    // Readiness keeps its own verdict; the restart is said where the instance's failures are.
    await db.containerInstance.updateMany({
      where,
      data: { failureReason: (event.reason ?? "The liveness probe failed.").slice(0, 1_000) },
    });
    logger.info({ hostId, instanceId: instance.id, reason: event.reason }, "liveness probe restarted an instance");
    services.events.emit("deploymentChanged", teamId, instance.deploymentId);
    return event.restarted ? "restarted" : "ignored";
  }

  const { count } = await db.containerInstance.updateMany({
    where,
    data: event.healthy
      ? { status: HEALTHY, probeHealthy: true, probeReason: null, probedAt: now, failureReason: null }
      : { status: UNHEALTHY, probeHealthy: false, probeReason: event.reason?.slice(0, 1_000) ?? null, probedAt: now },
  });
  if (count === 0) return "ignored";
  logger.info(
    { hostId, instanceId: instance.id, app: instance.app.name, healthy: event.healthy, reason: event.reason },
    event.healthy ? "instance ready again" : "instance unhealthy",
  );
  try {
    await services.nginx.apply(hostId);
  } catch (error) {
    // The row is right; the reconciler applies nginx again at the next pass.
    logger.warn({ err: error, hostId }, "could not apply nginx after a live-health report");
  }
  services.events.emit("deploymentChanged", teamId, instance.deploymentId);
  if (!event.healthy) await raiseUnhealthy(services, { hostId, teamId }, instance, event.reason);
  return event.healthy ? "healthy" : "unhealthy";
}

interface UnhealthyInstance {
  id: string;
  deploymentId: string;
  containerName: string | null;
  app: { id: string; name: string; environment: string };
}

async function raiseUnhealthy(
  services: Services,
  { hostId, teamId }: Reporter,
  instance: UnhealthyInstance,
  reason: string | null,
): Promise<void> {
  const { db, logger } = services;
  // Across every host of the app's live deployment: "no healthy instance left" means the app is down.
  const healthyLeft = await db.containerInstance.count({
    where: { deploymentId: instance.deploymentId, status: HEALTHY },
  });
  const host = await db.host.findUnique({ where: { id: hostId }, select: { name: true } });
  const containerName = instance.containerName ?? instance.id;
  const why = reason ?? "its readiness probe failed";
  const signal: RaisedSignal = {
    kind: "instance.unhealthy",
    teamId,
    appId: instance.app.id,
    hostId,
    reasonClass: "readiness",
    // The first signal's summary becomes the incident's title: the app and what it means first, the
    // container's name (long, generated) stays in the details.
    summary:
      `${instance.app.name} on ${host?.name ?? hostId}: ${healthyLeft === 0 ? "no instance is ready" : "an instance is not ready"} (${why})`.slice(
        0,
        1_000,
      ),
    details: {
      environment: instance.app.environment,
      noHealthyInstanceLeft: healthyLeft === 0,
      instanceId: instance.id,
      containerName,
      reason: why,
    },
  };
  try {
    await services.signals.raise(signal);
  } catch (error) {
    logger.error({ err: error, instanceId: instance.id }, "could not raise the signal of an unhealthy instance");
  }
}
