// Small formatting rules shared by the app pages: durations, digests, deployment words.
import { type Deployment, type DeploymentKind, FINISHED_DEPLOYMENT_STATUSES, inStatusGroup } from "@wheelhouse/shared";

/** "850 ms", "12 s", "3 min 5 s", "1 h 4 min". */
export function formatDuration(ms: number): string {
  if (ms < 0) return "0 s";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

export function isFinished(deployment: Pick<Deployment, "status">): boolean {
  return inStatusGroup(FINISHED_DEPLOYMENT_STATUSES, deployment.status);
}

/** From the request to the last transition (or now, while it runs). */
export function deploymentDuration(deployment: Deployment, now = Date.now()): number {
  const end = deployment.finishedAt ? Date.parse(deployment.finishedAt) : now;
  return end - Date.parse(deployment.createdAt);
}

export const KIND_LABELS: Record<DeploymentKind, string> = {
  deploy: "Deploy",
  rollback: "Rollback",
  restart: "Restart",
  scale: "Scale",
};

export function deploymentPath(appName: string, deploymentId: string): string {
  return `/apps/${encodeURIComponent(appName)}/deployments/${encodeURIComponent(deploymentId)}`;
}
