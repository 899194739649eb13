// Reading and writing deployments: every status change is stored as a transition with its time,
// and the deployment's own log is a table of lines the UI and the CLI read incrementally.
import {
  DEPLOYMENT_KINDS,
  DEPLOYMENT_STATUSES,
  type Deployment,
  type DeploymentStatus,
  FINISHED_DEPLOYMENT_STATUSES,
  inStatusGroup,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Db } from "../db/client";
import { dbTime } from "../db/db-time";

export const deploymentInclude = {
  transitions: { orderBy: { id: "asc" as const } },
  release: { select: { number: true } },
  app: { select: { name: true } },
};

interface DeploymentRow {
  id: string;
  kind: string;
  status: string;
  imageRef: string;
  replicas: number;
  reason: string | null;
  failureReason: string | null;
  requestedByEmail: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  transitions: { status: string; at: Date }[];
  release: { number: number } | null;
  app: { name: string };
}

const statusSchema = z.enum(DEPLOYMENT_STATUSES);

export function toDeploymentDto(row: DeploymentRow): Deployment {
  return {
    id: row.id,
    appName: row.app.name,
    kind: z.enum(DEPLOYMENT_KINDS).parse(row.kind),
    status: statusSchema.parse(row.status),
    releaseNumber: row.release?.number ?? null,
    imageRef: row.imageRef,
    replicas: row.replicas,
    failureReason: row.failureReason,
    reason: row.reason,
    requestedBy: row.requestedByEmail,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    transitions: row.transitions.map((t) => ({ status: statusSchema.parse(t.status), at: t.at.toISOString() })),
  };
}

export function isFinished(status: string): boolean {
  return inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, status);
}

/**
 * The writes that move a deployment to `status` and store the transition (finished states also
 * stamp finishedAt), for a caller to put in one transaction with its other writes: a deploy waits
 * on each transaction, so its steps write together.
 */
export function transitionWrites(
  db: Db,
  deploymentId: string,
  status: DeploymentStatus,
  extra: { failureReason?: string; releaseId?: string } = {},
) {
  const at = dbTime();
  return [
    db.deployment.update({
      where: { id: deploymentId },
      data: {
        status,
        ...(extra.failureReason !== undefined ? { failureReason: extra.failureReason } : {}),
        ...(extra.releaseId !== undefined ? { releaseId: extra.releaseId } : {}),
        ...(isFinished(status) && status !== "Superseded" ? { finishedAt: at } : {}),
      },
    }),
    db.deploymentTransition.create({ data: { deploymentId, status, at } }),
  ] as const;
}

/** The write that appends lines to a deployment's log (see transitionWrites). */
export function logWrite(db: Db, deploymentId: string, ...lines: string[]) {
  const at = dbTime();
  return db.deploymentLogLine.createMany({
    data: lines.map((text) => ({ deploymentId, at, text: text.slice(0, 4_000) })),
  });
}

/** Moves a deployment to `status`, storing the transition; finished states also stamp finishedAt. */
export async function transition(
  db: Db,
  deploymentId: string,
  status: DeploymentStatus,
  extra: { failureReason?: string; releaseId?: string } = {},
): Promise<void> {
  await db.$transaction([...transitionWrites(db, deploymentId, status, extra)]);
}

export async function appendLog(db: Db, deploymentId: string, ...lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  await logWrite(db, deploymentId, ...lines);
}

/**
 * A container's own output in a deployment log (the last lines of an instance that failed its
 * health check) is written indented by this, so a reader without logs.read can be given the rest
 * (issue 9: container output needs logs.read wherever it appears). Wheelhouse's own lines never
 * start with it.
 */
const CONTAINER_OUTPUT_INDENT = "  ";

/** One line of a container's output, as the deployment log stores it. */
export function containerOutputLine(text: string): string {
  return `${CONTAINER_OUTPUT_INDENT}${text}`;
}

function isContainerOutput(text: string): boolean {
  return text.startsWith(CONTAINER_OUTPUT_INDENT);
}

interface LogLineDto {
  seq: number;
  at: string;
  text: string;
}

/** Each run of container output replaced by one line that says how many lines were left out and why. */
export function withoutContainerOutput(lines: readonly LogLineDto[]): LogLineDto[] {
  const kept: LogLineDto[] = [];
  let run: { line: LogLineDto; count: number } | null = null;
  for (const line of lines) {
    if (!isContainerOutput(line.text)) {
      run = null;
      kept.push(line);
      continue;
    }
    if (!run) {
      run = { line: { ...line }, count: 0 };
      kept.push(run.line);
    }
    run.count += 1;
    run.line.text = `${CONTAINER_OUTPUT_INDENT}(${run.count} ${run.count === 1 ? "line" : "lines"} of the container's own output hidden: reading container output needs the logs.read permission, operators and up)`;
  }
  return kept;
}

export async function readLog(
  db: Db,
  deploymentId: string,
  after: number,
  { containerOutput }: { containerOutput: boolean },
) {
  const rows = await db.deploymentLogLine.findMany({
    where: { deploymentId, id: { gt: after } },
    orderBy: { id: "asc" },
    take: 1_000,
  });
  const lines = rows.map((line) => ({ seq: line.id, at: line.at.toISOString(), text: line.text }));
  return containerOutput ? lines : withoutContainerOutput(lines);
}
