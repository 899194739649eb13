// The request and response shapes of the apps, releases and deployments API. The portal's tRPC
// procedures declare them as input/output, the REST surface (/api/v1, OpenAPI at /api/openapi.json)
// is generated from those procedures, and the `wheelhouse` CLI parses answers with them. Dates are
// ISO 8601 strings so that every transport carries the same plain JSON.

import { z } from "zod";
import {
  appNameSchema,
  domainSchema,
  ENVIRONMENTS,
  envKeySchema,
  envMapSchema,
  envValueSchema,
  healthFailureThresholdSchema,
  healthIntervalSecondsSchema,
  healthPathSchema,
  healthProbeTimeoutSecondsSchema,
  healthSuccessThresholdSchema,
  healthTimeoutSecondsSchema,
  imageReferenceSchema,
  NETWORK_MODES,
  PULL_POLICIES,
  portSchema,
  probePathSchema,
  RESTART_POLICIES,
  replicasSchema,
} from "../apps/app-fields";
import { DEPLOYMENT_STATUSES } from "../statuses/deployment-statuses";
import { INSTANCE_STATUSES } from "../statuses/instance-statuses";
import { approvalPendingSchema, gateFields } from "./approvals-api";

export const DEPLOYMENT_KINDS = ["deploy", "rollback", "restart", "scale"] as const;
export type DeploymentKind = (typeof DEPLOYMENT_KINDS)[number];

const isoDate = z.string();

// ---- inputs ----

/**
 * Live health (issue 13): `healthPath` is the readiness path; these say where and how often the agent
 * probes a live instance. Rules between fields (timeout vs interval, metrics port) are
 * healthSettingsProblem's, checked by the portal against the whole app.
 */
function liveHealthCreateFields() {
  return {
    /** The port inside the container that serves the probes (and metrics); null: the app port. */
    probePort: portSchema.nullable().default(null),
    /** Null: no liveness probe. */
    livenessPath: probePathSchema.nullable().default(null),
    healthIntervalSeconds: healthIntervalSecondsSchema.default(10),
    healthProbeTimeoutSeconds: healthProbeTimeoutSecondsSchema.default(2),
    healthFailureThreshold: healthFailureThresholdSchema.default(3),
    healthSuccessThreshold: healthSuccessThresholdSchema.default(2),
    metricsPath: probePathSchema.nullable().default(null),
    /** The app port or the probe port; null: the probe port (the app port when there is none). */
    metricsPort: portSchema.nullable().default(null),
  };
}

/** The same fields for an update: left out keeps the value, null clears it. */
function liveHealthUpdateFields() {
  return {
    probePort: portSchema.nullable().optional(),
    livenessPath: probePathSchema.nullable().optional(),
    healthIntervalSeconds: healthIntervalSecondsSchema.optional(),
    healthProbeTimeoutSeconds: healthProbeTimeoutSecondsSchema.optional(),
    healthFailureThreshold: healthFailureThresholdSchema.optional(),
    healthSuccessThreshold: healthSuccessThresholdSchema.optional(),
    metricsPath: probePathSchema.nullable().optional(),
    metricsPort: portSchema.nullable().optional(),
  };
}

export const createAppInputSchema = z
  .object({
    name: appNameSchema,
    environment: z.enum(ENVIRONMENTS).default("staging"),
    image: imageReferenceSchema,
    port: portSchema,
    healthPath: healthPathSchema.default("/health"),
    healthTimeoutSeconds: healthTimeoutSecondsSchema.default(30),
    ...liveHealthCreateFields(),
    replicas: replicasSchema.default(1),
    /** Host names or ids. Empty means "the team's only host" (refused when there are several). */
    hosts: z.array(z.string().min(1).max(100)).max(50).default([]),
    domains: z.array(domainSchema).max(50).default([]),
    env: envMapSchema.default({}),
    /** Stored encrypted with the portal's SECRET_KEY; never shown back. */
    secrets: envMapSchema.default({}),
    restartPolicy: z.enum(RESTART_POLICIES).default("unless-stopped"),
    network: z.enum(NETWORK_MODES).default("published"),
    pullPolicy: z.enum(PULL_POLICIES).default("always"),
    /** Deploy the pushed digest when the team's registry hook reports a push of this image and tag. */
    autoDeploy: z.boolean().default(false),
  })
  .strict();
export type CreateAppInput = z.input<typeof createAppInputSchema>;

export const appRefSchema = z.object({ name: appNameSchema }).strict();

export const updateAppInputSchema = z
  .object({
    name: appNameSchema,
    environment: z.enum(ENVIRONMENTS).optional(),
    image: imageReferenceSchema.optional(),
    port: portSchema.optional(),
    healthPath: healthPathSchema.optional(),
    healthTimeoutSeconds: healthTimeoutSecondsSchema.optional(),
    ...liveHealthUpdateFields(),
    replicas: replicasSchema.optional(),
    hosts: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
    domains: z.array(domainSchema).max(50).optional(),
    env: envMapSchema.optional(),
    /** A value sets the secret, null deletes it; secrets not named are kept. */
    secrets: z
      .record(z.string(), envValueSchema.nullable())
      .superRefine((secrets, context) => {
        for (const key of Object.keys(secrets)) {
          if (!envKeySchema.safeParse(key).success) {
            context.addIssue({ code: "custom", path: [key], message: `"${key}" is not a valid variable name.` });
          }
        }
      })
      .optional(),
    restartPolicy: z.enum(RESTART_POLICIES).optional(),
    network: z.enum(NETWORK_MODES).optional(),
    pullPolicy: z.enum(PULL_POLICIES).optional(),
    autoDeploy: z.boolean().optional(),
    /** HTTPS (issue 15): redirect plain HTTP of the domains that have a certificate; send HSTS there. */
    httpsRedirect: z.boolean().optional(),
    hsts: z.boolean().optional(),
  })
  .strict();
export type UpdateAppInput = z.input<typeof updateAppInputSchema>;

export const deployInputSchema = z
  .object({
    name: appNameSchema,
    /** The image to release; the app's current image when left out. */
    image: imageReferenceSchema.optional(),
    ...gateFields,
  })
  .strict();

export const rollbackInputSchema = z
  .object({
    name: appNameSchema,
    releaseNumber: z.number().int().min(1),
    ...gateFields,
  })
  .strict();

export const restartInputSchema = z.object({ name: appNameSchema, ...gateFields }).strict();

export const scaleInputSchema = z.object({ name: appNameSchema, replicas: replicasSchema, ...gateFields }).strict();

export const maintenanceInputSchema = z.object({ name: appNameSchema, enabled: z.boolean(), ...gateFields }).strict();

export const deploymentRefSchema = z.object({ id: z.string().min(1).max(64) }).strict();

export const deploymentLogInputSchema = z
  .object({ id: z.string().min(1).max(64), after: z.coerce.number().int().min(0).default(0) })
  .strict();

// ---- outputs ----

export const deploymentTransitionSchema = z.object({ status: z.enum(DEPLOYMENT_STATUSES), at: isoDate });

export const deploymentSchema = z.object({
  id: z.string(),
  appName: z.string(),
  kind: z.enum(DEPLOYMENT_KINDS),
  status: z.enum(DEPLOYMENT_STATUSES),
  /** Null until the image is resolved (a new release is made at Pulling). */
  releaseNumber: z.number().int().nullable(),
  imageRef: z.string(),
  replicas: z.number().int(),
  failureReason: z.string().nullable(),
  reason: z.string().nullable(),
  requestedBy: z.string().nullable(),
  createdAt: isoDate,
  finishedAt: isoDate.nullable(),
  transitions: z.array(deploymentTransitionSchema),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/**
 * What a gated action (deploy, rollback, restart, scale) answers: the deployment it queued, or,
 * when the team's policy makes it wait for a second person, the approval request it opened instead.
 */
export const gatedDeploymentSchema = z.object({
  deployment: deploymentSchema.optional(),
  approval: approvalPendingSchema.optional(),
});

export const deploymentLogLineSchema = z.object({ seq: z.number().int(), at: isoDate, text: z.string() });
export const deploymentLogSchema = z.object({
  lines: z.array(deploymentLogLineSchema),
  /** Pass as `after` to get only newer lines. */
  last: z.number().int(),
  finished: z.boolean(),
});

export const instanceSchema = z.object({
  id: z.string(),
  hostName: z.string(),
  containerId: z.string().nullable(),
  containerName: z.string().nullable(),
  hostPort: z.number().int().nullable(),
  /** 127.0.0.1 port of the probe port, when the app has one. */
  probeHostPort: z.number().int().nullable(),
  releaseNumber: z.number().int().nullable(),
  status: z.enum(INSTANCE_STATUSES),
  failureReason: z.string().nullable(),
  /** The live probe's verdict (null until the agent has reported one) and why, e.g. "GET /ready … answered 404". */
  probeHealthy: z.boolean().nullable(),
  probeReason: z.string().nullable(),
  probedAt: isoDate.nullable(),
});

export const releaseSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  imageRef: z.string(),
  imageDigest: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  /** True for the release the live deployment runs. */
  live: z.boolean(),
});
export type Release = z.infer<typeof releaseSchema>;

export const APP_STATUSES = ["NotDeployed", "Deploying", "Live", "Failed", "Maintenance"] as const;

export const appSchema = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(ENVIRONMENTS),
  image: z.string(),
  port: z.number().int(),
  healthPath: z.string(),
  healthTimeoutSeconds: z.number().int(),
  probePort: z.number().int().nullable(),
  livenessPath: z.string().nullable(),
  healthIntervalSeconds: z.number().int(),
  healthProbeTimeoutSeconds: z.number().int(),
  healthFailureThreshold: z.number().int(),
  healthSuccessThreshold: z.number().int(),
  metricsPath: z.string().nullable(),
  metricsPort: z.number().int().nullable(),
  replicas: z.number().int(),
  network: z.enum(NETWORK_MODES),
  restartPolicy: z.enum(RESTART_POLICIES),
  pullPolicy: z.enum(PULL_POLICIES),
  autoDeploy: z.boolean(),
  domains: z.array(z.string()),
  hosts: z.array(z.object({ id: z.string(), name: z.string() })),
  env: z.record(z.string(), z.string()),
  /** Names only: values never leave the portal. */
  secretKeys: z.array(z.string()),
  maintenance: z.boolean(),
  httpsRedirect: z.boolean(),
  hsts: z.boolean(),
  /** A one-word summary: Live, Deploying, Failed (last deployment failed and nothing is live), … */
  status: z.enum(APP_STATUSES),
  liveRelease: releaseSchema.nullable(),
  lastDeployment: deploymentSchema.nullable(),
  createdAt: isoDate,
});
export type App = z.infer<typeof appSchema>;

export const appDetailSchema = appSchema.extend({ instances: z.array(instanceSchema) });
export type AppDetail = z.infer<typeof appDetailSchema>;
