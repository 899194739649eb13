// A container instance's statuses, defined once (issue 10). An instance row is written Starting
// before its container exists, becomes Healthy when its health check answers, Unhealthy while its
// live container is down, and ends Stopped (replaced or scaled away) or Failed.

export const INSTANCE_STATUSES = ["Starting", "Healthy", "Unhealthy", "Stopped", "Failed"] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Its container runs or should: what nginx, logs, shells, metrics and the reconciler count. */
export const ACTIVE_INSTANCE_STATUSES = [
  "Starting",
  "Healthy",
  "Unhealthy",
] as const satisfies readonly InstanceStatus[];
export type ActiveInstanceStatus = (typeof ACTIVE_INSTANCE_STATUSES)[number];

/** Passed its health check; the reconciler follows its container's state from here on. */
export const CHECKED_INSTANCE_STATUSES = ["Healthy", "Unhealthy"] as const satisfies readonly InstanceStatus[];

/**
 * May still have a container on its host that a failing deployment has to remove: the active ones,
 * and those that failed their health check (their container is left for its logs until then).
 */
export const REMOVABLE_INSTANCE_STATUSES = [
  ...ACTIVE_INSTANCE_STATUSES,
  "Failed",
] as const satisfies readonly InstanceStatus[];
