// --wait: follows a deployment until it is Live or Failed, printing each state transition once and
// each new log line as a timeline on stderr, so stdout keeps only the result.
import { type Deployment, FINISHED_DEPLOYMENT_STATUSES, inStatusGroup } from "@wheelhouse/shared";
import type { ApiClient } from "../api/api-client";
import type { Context } from "../context";
import { OperationFailedError } from "../errors";
import { clean, formatDuration } from "../output/format";
import { statusTone } from "../output/terminal";

export const POLL_INTERVAL_MS = 500;

interface TimelineEntry {
  at: number;
  text: string;
}

function elapsed(deployment: Deployment, at: string): string {
  return formatDuration(Date.parse(at) - Date.parse(deployment.createdAt));
}

/** Prints the deployment's start; without --wait, also where to follow it. */
export function reportStarted(context: Context, deployment: Deployment, verb: string, wait: boolean): void {
  const subject = `${verb} ${deployment.appName} (${clean(deployment.imageRef)})`;
  if (wait) {
    context.terminal.err(
      `${subject}: deployment ${deployment.id}. Ctrl-C stops watching; the deployment carries on.\n`,
    );
    return;
  }
  context.terminal.out(
    `${subject}: deployment ${deployment.id} is ${deployment.status}. Follow it with: wheelhouse status ${deployment.appName}\n`,
  );
}

/** Resolves when the deployment is Live; throws OperationFailedError when it fails or is superseded. */
export async function waitForDeployment(context: Context, client: ApiClient, id: string): Promise<Deployment> {
  const { terminal } = context;
  const printed = new Set<string>();
  let after = 0;
  for (;;) {
    const deployment = await client.getDeployment(id);
    const log = await client.getDeploymentLog(id, after);
    after = Math.max(after, log.last);

    const entries: TimelineEntry[] = [];
    for (const transition of deployment.transitions) {
      if (printed.has(transition.status)) continue;
      printed.add(transition.status);
      const finished = inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, transition.status);
      const label = finished ? `${transition.status} (${elapsed(deployment, transition.at)})` : `${transition.status}…`;
      entries.push({ at: Date.parse(transition.at), text: terminal.paintErr(label, statusTone(transition.status)) });
    }
    // A status the transitions list does not show yet still counts as reached.
    if (!printed.has(deployment.status) && !inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, deployment.status)) {
      printed.add(deployment.status);
      entries.push({ at: Date.now(), text: terminal.paintErr(`${deployment.status}…`, "busy") });
    }
    for (const line of log.lines) {
      entries.push({ at: Date.parse(line.at), text: `    ${terminal.paintErr(clean(line.text), "muted")}` });
    }
    entries.sort((a, b) => a.at - b.at);
    for (const entry of entries) terminal.err(`${entry.text}\n`);

    if (inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, deployment.status)) return finish(deployment);
    await context.sleep(POLL_INTERVAL_MS);
  }
}

function finish(deployment: Deployment): Deployment {
  if (deployment.status === "Live") return deployment;
  if (deployment.status === "Superseded") {
    throw new OperationFailedError(
      `Deployment ${deployment.id} of ${deployment.appName} was superseded by a newer deployment before it went live.`,
    );
  }
  const reason = deployment.failureReason ? clean(deployment.failureReason) : "the portal gave no reason";
  throw new OperationFailedError(`Deployment ${deployment.id} of ${deployment.appName} failed: ${reason}`);
}

/** The line on stdout once a watched deployment is live. */
export function reportLive(context: Context, deployment: Deployment): void {
  const release = deployment.releaseNumber === null ? "" : ` release ${deployment.releaseNumber}`;
  const took = deployment.finishedAt ? ` in ${elapsed(deployment, deployment.finishedAt)}` : "";
  context.terminal.out(`${deployment.appName}${release} (${clean(deployment.imageRef)}) is live${took}.\n`);
}
