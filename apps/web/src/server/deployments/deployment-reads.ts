// Reading a team's deployments for the API: one deployment, an app's list, a deployment's log.
// Every read is scoped to the team, so another team's deployment id is "no such deployment".
import type { Deployment, deploymentLogSchema } from "@wheelhouse/shared";
import type { z } from "zod";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { deploymentInclude, isFinished, readLog, toDeploymentDto } from "./deployment-records";

/** The API's list is the latest hundred; older ones stay in the database and the audit trail. */
const LIST_LIMIT = 100;

async function findTeamDeployment(db: Db, teamId: string, id: string) {
  const deployment = await db.deployment.findFirst({
    where: { id, app: { teamId } },
    include: deploymentInclude,
  });
  if (!deployment) throw new AppError("NOT_FOUND", "There is no such deployment in your team.");
  return deployment;
}

export async function getDeployment(db: Db, teamId: string, id: string): Promise<Deployment> {
  return toDeploymentDto(await findTeamDeployment(db, teamId, id));
}

export async function listDeployments(db: Db, app: AppRecord): Promise<Deployment[]> {
  const rows = await db.deployment.findMany({
    where: { appId: app.id },
    include: deploymentInclude,
    orderBy: { createdAt: "desc" },
    take: LIST_LIMIT,
  });
  return rows.map(toDeploymentDto);
}

/**
 * The log lines after `after`. `containerOutput` is whether the reader may see the container's own
 * output (logs.read); without it those runs are replaced by a line saying why.
 */
export async function readDeploymentLog(
  db: Db,
  teamId: string,
  id: string,
  after: number,
  { containerOutput }: { containerOutput: boolean },
): Promise<z.infer<typeof deploymentLogSchema>> {
  const deployment = await findTeamDeployment(db, teamId, id);
  const lines = await readLog(db, deployment.id, after, { containerOutput });
  return { lines, last: lines.at(-1)?.seq ?? after, finished: isFinished(deployment.status) };
}
