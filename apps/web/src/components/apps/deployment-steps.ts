// Turns a deployment's transitions into the steps the stepper shows: which were done, which one is
// under way or failed, and how long each took.
import { DEPLOYMENT_PROGRESS_STEPS, type Deployment, type DeploymentStatus, inStatusGroup } from "@wheelhouse/shared";

export type StepState = "done" | "current" | "failed" | "skipped" | "todo" | "final-failed" | "final-other";

export interface Step {
  status: DeploymentStatus;
  state: StepState;
  at: string | null;
  /** Milliseconds spent in this step (up to now for the current one); null when not reached. */
  durationMs: number | null;
}

export function deploymentSteps(deployment: Deployment, now: number): Step[] {
  const transitions = [...deployment.transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const indexOf = (status: DeploymentStatus) => transitions.findIndex((t) => t.status === status);
  const endOf = (index: number) => {
    const next = transitions[index + 1];
    if (next) return Date.parse(next.at);
    return deployment.finishedAt ? Date.parse(deployment.finishedAt) : now;
  };
  const failed = deployment.status === "Failed";
  const lastProgressIndex = transitions.reduce(
    (last, t, index) => (inStatusGroup(DEPLOYMENT_PROGRESS_STEPS, t.status) ? index : last),
    -1,
  );

  const steps: Step[] = [];
  for (const status of DEPLOYMENT_PROGRESS_STEPS) {
    if (status === "Live" && failed) continue;
    const index = indexOf(status);
    const transition = transitions[index];
    if (!transition) {
      const finished = failed || deployment.status === "Superseded";
      steps.push({ status, state: finished ? "skipped" : "todo", at: null, durationMs: null });
      continue;
    }
    const isLast = index === lastProgressIndex;
    let state: StepState = "done";
    if (isLast && failed) state = "failed";
    else if (isLast && status !== "Live" && deployment.status === status) state = "current";
    // Live is a resting state, not work under way: it takes no duration.
    const durationMs = status === "Live" ? null : endOf(index) - Date.parse(transition.at);
    steps.push({ status, state, at: transition.at, durationMs });
  }
  if (failed || deployment.status === "Superseded") {
    const transition = transitions[indexOf(deployment.status)];
    steps.push({
      status: deployment.status,
      state: failed ? "final-failed" : "final-other",
      at: transition?.at ?? deployment.finishedAt,
      durationMs: null,
    });
  }
  return steps;
}
