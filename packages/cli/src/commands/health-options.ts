// The live-health flags `apps create` and `apps update` share (issue 13). `--probe-timeout` is not
// `--health-timeout`: the app's healthTimeoutSeconds is the deploy's health gate, a different thing.
// Nullable fields take `none` to clear them on update.
import {
  healthFailureThresholdSchema,
  healthIntervalSecondsSchema,
  healthProbeTimeoutSecondsSchema,
  healthSuccessThresholdSchema,
  portSchema,
  probePathSchema,
} from "@wheelhouse/shared";
import type { Command } from "commander";
import type { z } from "zod";
import { parseArgument, wholeNumber } from "./arguments";

export interface HealthOptions {
  probePort?: string;
  livenessPath?: string;
  healthInterval?: string;
  probeTimeout?: string;
  failureThreshold?: string;
  successThreshold?: string;
  metricsPath?: string;
  metricsPort?: string;
}

export interface HealthFields {
  probePort?: number | null;
  livenessPath?: string | null;
  healthIntervalSeconds?: number;
  healthProbeTimeoutSeconds?: number;
  healthFailureThreshold?: number;
  healthSuccessThreshold?: number;
  metricsPath?: string | null;
  metricsPort?: number | null;
}

/** The word that clears a nullable setting. */
const NONE = "none";

export function withHealthOptions(command: Command): Command {
  return command
    .option("--probe-port <port>", "the port inside the container that serves the probes (none: the app port)")
    .option(
      "--liveness-path <path>",
      "probed on the probe port; failing it restarts the instance (none: no liveness probe)",
    )
    .option("--health-interval <seconds>", "how often a live instance is probed, 1–300 (default: 10)")
    .option("--probe-timeout <seconds>", "how long one live probe may take, 1–60 and at most the interval (default: 2)")
    .option("--failure-threshold <count>", "failed probes in a row before Unhealthy (or a restart), 1–20 (default: 3)")
    .option("--success-threshold <count>", "passed probes in a row before Healthy again, 1–20 (default: 2)")
    .option("--metrics-path <path>", "where Prometheus scrapes the app (none: no metrics)")
    .option("--metrics-port <port>", "the app port or the probe port (none: the probe port)");
}

function nullable<Schema extends z.ZodType>(
  schema: Schema,
  text: string,
  flag: string,
  read: (text: string) => unknown,
): z.output<Schema> | null {
  return text.trim() === NONE ? null : parseArgument(schema, read(text), flag);
}

const asText = (text: string) => text;

/** Only the flags that were given, each checked with the portal's own schema; the rules between them are the portal's. */
export function healthFields(options: HealthOptions): HealthFields {
  const fields: HealthFields = {};
  const { probePort, livenessPath, healthInterval, probeTimeout, failureThreshold, successThreshold } = options;
  if (probePort !== undefined) fields.probePort = nullable(portSchema, probePort, "--probe-port", wholeNumber);
  if (livenessPath !== undefined) {
    fields.livenessPath = nullable(probePathSchema, livenessPath, "--liveness-path", asText);
  }
  if (healthInterval !== undefined) {
    fields.healthIntervalSeconds = parseArgument(
      healthIntervalSecondsSchema,
      wholeNumber(healthInterval),
      "--health-interval",
    );
  }
  if (probeTimeout !== undefined) {
    fields.healthProbeTimeoutSeconds = parseArgument(
      healthProbeTimeoutSecondsSchema,
      wholeNumber(probeTimeout),
      "--probe-timeout",
    );
  }
  if (failureThreshold !== undefined) {
    fields.healthFailureThreshold = parseArgument(
      healthFailureThresholdSchema,
      wholeNumber(failureThreshold),
      "--failure-threshold",
    );
  }
  if (successThreshold !== undefined) {
    fields.healthSuccessThreshold = parseArgument(
      healthSuccessThresholdSchema,
      wholeNumber(successThreshold),
      "--success-threshold",
    );
  }
  if (options.metricsPath !== undefined) {
    fields.metricsPath = nullable(probePathSchema, options.metricsPath, "--metrics-path", asText);
  }
  if (options.metricsPort !== undefined) {
    fields.metricsPort = nullable(portSchema, options.metricsPort, "--metrics-port", wholeNumber);
  }
  return fields;
}
