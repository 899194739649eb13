// Step 2, Starting: the release's instances start next to the old ones, `replicas` on each host.
// Each instance's row is written before its container exists, so whatever happens next the
// reconciler knows the container is ours.

import type { InstanceSpec, InstanceStatus } from "@wheelhouse/shared";
import { reasonOf } from "../../errors/app-error";
import { logWrite } from "../deployment-records";
import { DeploymentFailed, type DeploymentRun, enterStatus } from "./deployment-run";
import type { ResolvedRelease } from "./resolve-release";

const START_TIMEOUT_MS = 60_000;
const LOG_MAX_SIZE = "10m";
const LOG_MAX_FILE = 3;

/** An instance this deployment started: its row and the container the agent made for it. */
export interface StartedInstance {
  id: string;
  hostId: string;
  containerId: string;
  name: string;
  hostPort: number;
  /** Where the readiness probe goes when the app has a probe port of its own. */
  probeHostPort: number | null;
}

const STARTING: InstanceStatus = "Starting";

export async function startInstances(
  run: DeploymentRun,
  { release, config, env }: ResolvedRelease,
): Promise<StartedInstance[]> {
  const { db, agents } = run.services;
  const { deployment, app, hostName } = run;
  await enterStatus(run, "Starting", `Starting ${deployment.replicas} instance(s) on each host`);
  const started: StartedInstance[] = [];
  for (const hostId of app.hostIds) {
    for (let index = 0; index < deployment.replicas; index += 1) {
      const instance = await db.containerInstance.create({
        data: { appId: app.id, deploymentId: deployment.id, releaseId: release.id, hostId, status: STARTING },
      });
      const spec: InstanceSpec = {
        instanceId: instance.id,
        hostId,
        appId: app.id,
        appName: app.name,
        releaseId: release.id,
        releaseNumber: release.number,
        deploymentId: deployment.id,
        image: release.imageDigest,
        containerPort: config.port,
        probePort: config.probePort,
        network: config.network,
        env,
        restartPolicy: config.restartPolicy,
        logMaxSize: LOG_MAX_SIZE,
        logMaxFile: LOG_MAX_FILE,
      };
      const result = await agents
        .command(hostId, "app.instance.start", spec, { timeoutMs: START_TIMEOUT_MS })
        .catch((error: unknown) => {
          throw new DeploymentFailed(`Could not start an instance on ${hostName(hostId)}: ${reasonOf(error)}`);
        });
      await db.$transaction([
        db.containerInstance.update({
          where: { id: instance.id },
          data: {
            containerId: result.containerId,
            containerName: result.name,
            hostPort: result.hostPort,
            probeHostPort: result.probeHostPort,
          },
        }),
        logWrite(
          db,
          deployment.id,
          `Started ${result.name} on ${hostName(hostId)}, port ${result.hostPort}${result.probeHostPort === null ? "" : ` (probes on ${result.probeHostPort})`}`,
        ),
      ]);
      started.push({ id: instance.id, hostId, ...result });
    }
  }
  return started;
}
