// What an app is made of, as the user types it: each field's rule and the sentence shown when it is
// broken. The portal's forms, the REST API, the CLI and the agent all parse with these.
import { z } from "zod";

export const ENVIRONMENTS = ["staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const RESTART_POLICIES = ["no", "on-failure", "unless-stopped", "always"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/**
 * When a deploy asks the registry: `always` asks for the tag's current digest and pulls only when it
 * differs from the local image; `if-not-present` uses a local image of that reference without asking;
 * `never` uses local images only. A reference by digest (repo@sha256:…) is never asked about.
 */
export const PULL_POLICIES = ["always", "if-not-present", "never"] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

/**
 * How the instances are reached from the host's nginx: `published` maps a port on 127.0.0.1 to the
 * container's port; `host` shares the host's network and passes the assigned port as PORT.
 */
export const NETWORK_MODES = ["published", "host"] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

/** Lower-case letters, digits and dashes, starting with a letter: safe as a container name, a label and a path. */
export const appNameSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
    "An app name is 2–40 lower-case letters, digits or dashes, starting with a letter and not ending with a dash (e.g. billing-api).",
  );

/** A host name as nginx's server_name takes it; a leading `*.` wildcard is allowed. */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, "A domain is at most 253 characters.")
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    "A domain is dot-separated labels of letters, digits and dashes (e.g. app.example.com), optionally starting with *.",
  );

/**
 * A Docker image reference: [registry[:port]/]path[:tag][@sha256:digest], or an image id
 * (sha256:<64 hex>). The grammar follows the distribution reference rules, minus upper case.
 */
const IMAGE_REFERENCE =
  /^(?:(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]{1,5})?)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const imageReferenceSchema = z
  .string()
  .trim()
  .max(512, "An image reference is at most 512 characters.")
  .refine(
    (value) => /^sha256:[a-f0-9]{64}$/.test(value) || IMAGE_REFERENCE.test(value),
    "An image reference looks like registry.example.com/team/app:1.4.2, nginx:1.25, or app@sha256:<64 hex digits>.",
  );

export const portSchema = z
  .number({ error: "A port is a whole number from 1 to 65535." })
  .int("A port is a whole number from 1 to 65535.")
  .min(1, "A port is a whole number from 1 to 65535.")
  .max(65_535, "A port is a whole number from 1 to 65535.");

export const healthPathSchema = z
  .string()
  .trim()
  .max(200, "A health-check path is at most 200 characters.")
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]*$/, "A health-check path starts with / (e.g. /health).");

/** Environment variable names as POSIX shells accept them. */
export const envKeySchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
    "A variable name is letters, digits and underscores, not starting with a digit (e.g. DATABASE_URL).",
  );
export const envValueSchema = z.string().max(32_768, "A variable's value is at most 32 KiB.");
// Keys are checked one by one (not as the record's key schema) so the sentence names the bad key.
export const envMapSchema = z.record(z.string(), envValueSchema).superRefine((env, context) => {
  const keys = Object.keys(env);
  if (keys.length > 200) context.addIssue({ code: "custom", message: "An app has at most 200 variables." });
  for (const key of keys) {
    if (!envKeySchema.safeParse(key).success) {
      context.addIssue({
        code: "custom",
        path: [key],
        message: `"${key}" is not a valid variable name: a variable name is letters, digits and underscores, not starting with a digit (e.g. DATABASE_URL).`,
      });
    }
  }
});

/** PORT is set by Wheelhouse for every instance; a user-set PORT would fight it. */
export const RESERVED_ENV_KEYS = ["PORT"] as const;

export const replicasSchema = z
  .number({ error: "Replicas is a whole number from 1 to 20." })
  .int("Replicas is a whole number from 1 to 20.")
  .min(1, "Replicas is a whole number from 1 to 20.")
  .max(20, "Replicas is a whole number from 1 to 20.");

export const healthTimeoutSecondsSchema = z
  .number({ error: "The health-check timeout is a whole number of seconds from 1 to 600." })
  .int("The health-check timeout is a whole number of seconds from 1 to 600.")
  .min(1, "The health-check timeout is a whole number of seconds from 1 to 600.")
  .max(600, "The health-check timeout is a whole number of seconds from 1 to 600.");

/** A whole number in [min, max] with one sentence for every way of missing it. */
function boundedWhole(min: number, max: number, sentence: string) {
  return z.number({ error: sentence }).int(sentence).min(min, sentence).max(max, sentence);
}

/** How often the agent probes a live instance (live health, issue 13). */
export const healthIntervalSecondsSchema = boundedWhole(
  1,
  300,
  "The probe interval is a whole number of seconds from 1 to 300.",
);
/** How long one live probe may take; at most the interval (checked with the interval: healthSettingsProblem). */
export const healthProbeTimeoutSecondsSchema = boundedWhole(
  1,
  60,
  "The probe timeout is a whole number of seconds from 1 to 60.",
);
/** Consecutive failed probes that make an instance Unhealthy (readiness) or restart it (liveness). */
export const healthFailureThresholdSchema = boundedWhole(
  1,
  20,
  "The failure threshold is a whole number from 1 to 20.",
);
/** Consecutive passed readiness probes that make an Unhealthy instance Healthy again. */
export const healthSuccessThresholdSchema = boundedWhole(
  1,
  20,
  "The success threshold is a whole number from 1 to 20.",
);
/** A path the agent probes or Prometheus scrapes: same shape as the health path. */
export const probePathSchema = z
  .string()
  .trim()
  .max(200, "A probe path is at most 200 characters.")
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@/%?-]*$/, "A probe path starts with / (e.g. /live or /metrics).");

/** The live-health settings of an app, as stored; the defaults are the schema's (prisma/schema.prisma). */
export interface HealthSettings {
  port: number;
  /** The port inside the container that serves the probes; null: the app port. */
  probePort: number | null;
  /** Null: no liveness probe (the instance is never restarted by Wheelhouse). */
  livenessPath: string | null;
  healthIntervalSeconds: number;
  healthProbeTimeoutSeconds: number;
  healthFailureThreshold: number;
  healthSuccessThreshold: number;
  metricsPath: string | null;
  /** Null: the probe port (the app port when there is none). */
  metricsPort: number | null;
}

export const DEFAULT_HEALTH_SETTINGS = {
  probePort: null,
  livenessPath: null,
  healthIntervalSeconds: 10,
  healthProbeTimeoutSeconds: 2,
  healthFailureThreshold: 3,
  healthSuccessThreshold: 2,
  metricsPath: null,
  metricsPort: null,
} as const satisfies Omit<HealthSettings, "port">;

/**
 * The rules between live-health fields, or null when they hold. Only the app port and the probe port
 * are published on 127.0.0.1, so metrics on any other port could never be scraped.
 */
export function healthSettingsProblem(settings: HealthSettings): string | null {
  // Equal is allowed: probes are chained (the next starts after the last ended), never overlap.
  if (settings.healthProbeTimeoutSeconds > settings.healthIntervalSeconds) {
    return `The probe timeout (${settings.healthProbeTimeoutSeconds} s) must not be longer than the probe interval (${settings.healthIntervalSeconds} s).`;
  }
  const published = [settings.port, ...(settings.probePort === null ? [] : [settings.probePort])];
  if (settings.metricsPort !== null && !published.includes(settings.metricsPort)) {
    return `The metrics port must be the app port (${settings.port})${settings.probePort === null ? "" : ` or the probe port (${settings.probePort})`}: only those are published.`;
  }
  if (settings.metricsPort !== null && settings.metricsPath === null) {
    return "A metrics port needs a metrics path (e.g. /metrics).";
  }
  return null;
}

/** Parses "KEY=VALUE" as typed on a command line. */
export function parseEnvAssignment(text: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new Error(`"${text}" is not KEY=VALUE.`);
  const key = envKeySchema.parse(text.slice(0, at));
  return [key, text.slice(at + 1)];
}
