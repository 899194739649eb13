// What every step of a deployment works with: the deployment row, its app, the services, and the
// one way a step moves the deployment on (a status and a log line in one transaction, then the UI is
// told). Steps throw DeploymentFailed with a sentence for the deployment's page; anything else is a
// bug the orchestrator logs.
import type { EventEmitter } from "node:events";
import type { DeploymentStatus } from "@wheelhouse/shared";
import { type AppRecord, appInclude, toAppRecord } from "../../apps/app-record";
import type { SecretBox } from "../../config/secret-box";
import type { Db } from "../../db/client";
import type { AgentRegistry } from "../../hosts/agent-registry";
import type { SignalIntake } from "../../incidents/signal-intake";
import type { Logger } from "../../logging/logger";
import type { Notifier } from "../../notifications/notify";
import type { PortalEvents } from "../../services";
import { logWrite, transitionWrites } from "../deployment-records";
import type { NginxSync } from "../nginx-sync";

/** A failure the person who deployed can act on: its message is the deployment's failure reason. */
export class DeploymentFailed extends Error {}

export interface StepServices {
  db: Db;
  agents: AgentRegistry;
  logger: Logger;
  secrets: SecretBox;
  events: EventEmitter<PortalEvents>;
  nginx: NginxSync;
  /** A failed deployment raises `deployment.failed` here (fail-deployment.ts). */
  signals: Pick<SignalIntake, "raise">;
  /** A failed deployment is also sent to the team's `deployment.failed` webhooks. */
  notifier: Notifier;
}

export type DeploymentRow = Awaited<ReturnType<Db["deployment"]["findUniqueOrThrow"]>>;

export interface DeploymentRun {
  services: StepServices;
  deployment: DeploymentRow;
  app: AppRecord;
  teamId: string;
  /** Date.now() when the run began: the "Live in … s" line and the duration metric. */
  startedAt: number;
  /** A host's name for messages; its id when the host is gone. */
  hostName(id: string): string;
}

export async function openRun(services: StepServices, deploymentId: string, teamId: string): Promise<DeploymentRun> {
  const { db } = services;
  const startedAt = Date.now();
  const deployment = await db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  const app = toAppRecord(await db.app.findUniqueOrThrow({ where: { id: deployment.appId }, include: appInclude }));
  const hosts = await db.host.findMany({ where: { id: { in: app.hostIds } }, select: { id: true, name: true } });
  const hostNames = new Map(hosts.map((host) => [host.id, host.name]));
  return { services, deployment, app, teamId, startedAt, hostName: (id) => hostNames.get(id) ?? id };
}

/** Tells every open page that the deployment changed. */
export function announce(run: DeploymentRun): void {
  run.services.events.emit("deploymentChanged", run.teamId, run.deployment.id);
}

/** Moves the deployment to `status` with the line that says what happens now, in one transaction. */
export async function enterStatus(run: DeploymentRun, status: DeploymentStatus, line: string): Promise<void> {
  const { db } = run.services;
  await db.$transaction([...transitionWrites(db, run.deployment.id, status), logWrite(db, run.deployment.id, line)]);
  announce(run);
}
