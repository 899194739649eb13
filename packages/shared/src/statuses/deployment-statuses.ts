// A deployment's statuses, defined once (issue 10): Queued → Pulling → Starting → HealthChecking →
// Live, or Failed at any step; a Live deployment becomes Superseded when the next one goes live.
// The groups below are what queries, the orchestrator and the UI ask about; a typo in any of them
// does not compile.

export const DEPLOYMENT_STATUSES = [
  "Queued",
  "Pulling",
  "Starting",
  "HealthChecking",
  "Live",
  "Failed",
  "Superseded",
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** The orchestrator is working on it: a portal restart interrupts these (recoverAtStartup). */
export const RUNNING_DEPLOYMENT_STATUSES = [
  "Pulling",
  "Starting",
  "HealthChecking",
] as const satisfies readonly DeploymentStatus[];

/** Waiting for its turn or under way: it will change without anyone asking. */
export const ACTIVE_DEPLOYMENT_STATUSES = [
  "Queued",
  ...RUNNING_DEPLOYMENT_STATUSES,
] as const satisfies readonly DeploymentStatus[];

/** A deployment in one of these will not change again (a Live one only by being superseded). */
export const FINISHED_DEPLOYMENT_STATUSES = [
  "Live",
  "Failed",
  "Superseded",
] as const satisfies readonly DeploymentStatus[];

/** Its release is in use: live, or about to be. Its containers and image stay. */
export const RELEASE_IN_USE_DEPLOYMENT_STATUSES = [
  "Live",
  ...ACTIVE_DEPLOYMENT_STATUSES,
] as const satisfies readonly DeploymentStatus[];

/** The steps of a deployment on its way to Live, in order (the deployment page's stepper). */
export const DEPLOYMENT_PROGRESS_STEPS = [
  ...ACTIVE_DEPLOYMENT_STATUSES,
  "Live",
] as const satisfies readonly DeploymentStatus[];
