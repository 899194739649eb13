// One vocabulary, one colour per status, across the product (STYLE.md "Interface"). The vocabularies
// themselves live in packages/shared (statuses/); each has its map here, exhaustive, so a status
// added there does not compile until it has a colour.
import type {
  ApprovalStatus,
  CertificateStatus,
  CONTAINER_HEALTH,
  CONTAINER_STATES,
  DeploymentStatus,
  HostStatus,
  IncidentStatus,
  InstanceStatus,
  Severity,
  StepOutcome,
  WebhookDeliveryStatus,
} from "@wheelhouse/shared";

export const STATUS_COLORS = {
  success: "teal",
  live: "teal",
  online: "teal",
  healthy: "teal",
  failure: "red",
  failed: "red",
  unhealthy: "red",
  denied: "orange",
  // A passing state worth watching (a container restarting or being removed).
  attention: "orange",
  maintenance: "orange",
  pending: "yellow",
  // Work under way (a deployment's Queued…HealthChecking, an instance starting).
  progress: "blue",
  lost: "gray",
  revoked: "red",
  disabled: "gray",
  idle: "gray",
} as const;

export type StatusName = keyof typeof STATUS_COLORS;
type StatusColor = (typeof STATUS_COLORS)[StatusName];

export const DEPLOYMENT_STATUS_COLORS: Record<DeploymentStatus, StatusColor> = {
  Queued: STATUS_COLORS.pending,
  Pulling: STATUS_COLORS.progress,
  Starting: STATUS_COLORS.progress,
  HealthChecking: STATUS_COLORS.progress,
  Live: STATUS_COLORS.live,
  Failed: STATUS_COLORS.failed,
  Superseded: STATUS_COLORS.idle,
};

export const INSTANCE_STATUS_COLORS: Record<InstanceStatus, StatusColor> = {
  Starting: STATUS_COLORS.progress,
  Healthy: STATUS_COLORS.healthy,
  Unhealthy: STATUS_COLORS.unhealthy,
  Stopped: STATUS_COLORS.idle,
  Failed: STATUS_COLORS.failed,
};

/** Docker's own words for a container on the Hosts page. */
export const CONTAINER_STATE_COLORS: Record<(typeof CONTAINER_STATES)[number], StatusColor> = {
  running: STATUS_COLORS.live,
  exited: STATUS_COLORS.idle,
  created: STATUS_COLORS.progress,
  paused: STATUS_COLORS.pending,
  restarting: STATUS_COLORS.attention,
  removing: STATUS_COLORS.attention,
  dead: STATUS_COLORS.failed,
};

export const CONTAINER_HEALTH_COLORS: Record<(typeof CONTAINER_HEALTH)[number], StatusColor> = {
  none: STATUS_COLORS.idle,
  starting: STATUS_COLORS.pending,
  healthy: STATUS_COLORS.healthy,
  unhealthy: STATUS_COLORS.unhealthy,
};

export const HOST_STATUS_COLORS: Record<HostStatus, StatusColor> = {
  online: STATUS_COLORS.online,
  lost: STATUS_COLORS.lost,
  revoked: STATUS_COLORS.revoked,
  pending: STATUS_COLORS.pending,
};

/** Open incidents draw the eye (red while investigating, orange once the cause is known); resolved ones rest. */
export const INCIDENT_STATUS_COLORS: Record<IncidentStatus, StatusColor> = {
  Investigating: STATUS_COLORS.failure,
  Identified: STATUS_COLORS.attention,
  Monitoring: STATUS_COLORS.progress,
  Resolved: STATUS_COLORS.success,
};

/**
 * An approval request: waiting is yellow like every pending thing, running is progress, and of the
 * endings only the ones a person should look at again (failed, denied) draw the eye.
 */
export const APPROVAL_STATUS_COLORS: Record<ApprovalStatus, StatusColor> = {
  pending: STATUS_COLORS.pending,
  executing: STATUS_COLORS.progress,
  executed: STATUS_COLORS.success,
  failed: STATUS_COLORS.failed,
  denied: STATUS_COLORS.denied,
  expired: STATUS_COLORS.idle,
  cancelled: STATUS_COLORS.idle,
};

/**
 * A certificate: Active rests, an order under way is progress (Renewing still serves the current
 * one), Pending waits like every pending thing. Expired is red, unlike an expired request: visitors
 * of the domain get a browser warning until it is renewed.
 */
export const CERTIFICATE_STATUS_COLORS: Record<CertificateStatus, StatusColor> = {
  Pending: STATUS_COLORS.pending,
  Active: STATUS_COLORS.success,
  Renewing: STATUS_COLORS.progress,
  Failed: STATUS_COLORS.failed,
  Expired: STATUS_COLORS.failure,
};

export const WEBHOOK_DELIVERY_STATUS_COLORS: Record<WebhookDeliveryStatus, StatusColor> = {
  pending: STATUS_COLORS.pending,
  delivered: STATUS_COLORS.success,
  failed: STATUS_COLORS.failed,
};

/** SEV1 is the worst. These are severities, not statuses: their own scale, red to gray. */
export const SEVERITY_COLORS: Record<Severity, string> = {
  SEV1: "red",
  SEV2: "orange",
  SEV3: "yellow",
  SEV4: "gray",
};

/** A runbook step's latest outcome: checks pass, fail or error; manual steps are done or not. */
export const STEP_OUTCOME_COLORS: Record<StepOutcome, StatusColor> = {
  running: STATUS_COLORS.progress,
  pass: STATUS_COLORS.success,
  fail: STATUS_COLORS.failure,
  error: STATUS_COLORS.attention,
  done: STATUS_COLORS.success,
  undone: STATUS_COLORS.idle,
};

export const ROLE_COLORS = { viewer: "gray", operator: "blue", approver: "violet", admin: "indigo" } as const;

/** Production is where mistakes hurt: it stands out wherever an app's environment is shown. */
export const ENVIRONMENT_COLORS = { staging: "cyan", production: "grape" } as const;
