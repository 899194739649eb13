// Step 3, HealthChecking: every new instance answers its health path within the release's timeout,
// or the deployment fails with the instance's reason and its last log lines. An agent that does not
// finish the check counts as a failed check, never as a pass.

import type { CommandResult, InstanceStatus } from "@wheelhouse/shared";
import { reasonOf } from "../../errors/app-error";
import { appendLog, containerOutputLine } from "../deployment-records";
import { DeploymentFailed, type DeploymentRun, enterStatus } from "./deployment-run";
import type { ResolvedRelease } from "./resolve-release";
import type { StartedInstance } from "./start-instances";

const PROBE_INTERVAL_MS = 250;
/** Beyond the health timeout itself: the agent's own reply on a busy host. */
const REPLY_MARGIN_MS = 15_000;

type CheckResult = CommandResult<"app.instance.await-healthy">;

const HEALTHY: InstanceStatus = "Healthy";
const FAILED: InstanceStatus = "Failed";

export async function awaitHealthy(
  run: DeploymentRun,
  instances: readonly StartedInstance[],
  { config }: Pick<ResolvedRelease, "config">,
): Promise<void> {
  const { db, agents } = run.services;
  const { deployment, hostName } = run;
  await enterStatus(
    run,
    "HealthChecking",
    `Waiting for ${config.healthPath} to answer (up to ${config.healthTimeoutSeconds} s)`,
  );
  const timeoutMs = config.healthTimeoutSeconds * 1000;
  const checks = await Promise.all(
    instances.map(async (instance) => {
      const result: CheckResult = await agents
        .command(
          instance.hostId,
          "app.instance.await-healthy",
          {
            containerId: instance.containerId,
            // The readiness path answers on the probe port when the app has one (seed 000's layout).
            hostPort: instance.probeHostPort ?? instance.hostPort,
            path: config.healthPath,
            timeoutMs,
            intervalMs: PROBE_INTERVAL_MS,
          },
          { timeoutMs: timeoutMs + REPLY_MARGIN_MS },
        )
        .catch((error: unknown) => ({
          healthy: false as const,
          reason: `the agent on ${hostName(instance.hostId)} did not finish the health check: ${reasonOf(error)}`,
          logTail: [],
        }));
      await db.containerInstance.update({
        where: { id: instance.id },
        data: result.healthy ? { status: HEALTHY } : { status: FAILED, failureReason: result.reason.slice(0, 1_000) },
      });
      return { instance, result };
    }),
  );

  for (const { instance, result } of checks) {
    if (result.healthy) continue;
    await appendLog(
      db,
      deployment.id,
      `${instance.name} on ${hostName(instance.hostId)}: ${result.reason}`,
      ...(result.logTail.length > 0 ? ["Last log lines:", ...result.logTail.map(containerOutputLine)] : []),
    );
    throw new DeploymentFailed(`${instance.name} is not healthy: ${result.reason}`);
  }
  await appendLog(
    db,
    deployment.id,
    ...checks.flatMap(({ instance, result }) =>
      result.healthy ? [`${instance.name} healthy after ${(result.afterMs / 1000).toFixed(1)} s`] : [],
    ),
  );
}
