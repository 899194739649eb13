// The app form's state as typed, and its check against the same field rules the server applies
// (packages/shared/src/apps/app-fields.ts), so the sentences match whichever side catches a mistake.
import {
  type App,
  appNameSchema,
  domainSchema,
  type Environment,
  healthFailureThresholdSchema,
  healthIntervalSecondsSchema,
  healthPathSchema,
  healthProbeTimeoutSecondsSchema,
  healthSettingsProblem,
  healthSuccessThresholdSchema,
  healthTimeoutSecondsSchema,
  imageReferenceSchema,
  type NetworkMode,
  type PullPolicy,
  portSchema,
  probePathSchema,
  type RestartPolicy,
  replicasSchema,
} from "@wheelhouse/shared";
import type { z } from "zod";
import { type EnvRow, envRowErrors, rowsFromMap } from "./env-rows";

export interface AppFormValues {
  name: string;
  environment: Environment;
  image: string;
  port: number | string;
  healthPath: string;
  healthTimeoutSeconds: number | string;
  /** Live health; an empty box means "none" for the nullable ones. */
  probePort: number | string;
  livenessPath: string;
  healthIntervalSeconds: number | string;
  healthProbeTimeoutSeconds: number | string;
  healthFailureThreshold: number | string;
  healthSuccessThreshold: number | string;
  metricsPath: string;
  metricsPort: number | string;
  replicas: number | string;
  network: NetworkMode;
  restartPolicy: RestartPolicy;
  pullPolicy: PullPolicy;
  autoDeploy: boolean;
  /** Host ids. */
  hosts: string[];
  domains: string[];
  env: EnvRow[];
  /** New secret values (create: all of them; settings: additions and replacements). */
  secrets: EnvRow[];
}

export type AppField = Exclude<keyof AppFormValues, "env" | "secrets">;
export type AppFieldErrors = Partial<Record<AppField, string>>;

export const EMPTY_APP_FORM: AppFormValues = {
  name: "",
  environment: "staging",
  image: "",
  port: "",
  healthPath: "/health",
  healthTimeoutSeconds: 30,
  probePort: "",
  livenessPath: "",
  healthIntervalSeconds: 10,
  healthProbeTimeoutSeconds: 2,
  healthFailureThreshold: 3,
  healthSuccessThreshold: 2,
  metricsPath: "",
  metricsPort: "",
  replicas: 1,
  network: "published",
  restartPolicy: "unless-stopped",
  pullPolicy: "always",
  autoDeploy: false,
  hosts: [],
  domains: [],
  env: [],
  secrets: [],
};

export function formFromApp(app: App): AppFormValues {
  return {
    name: app.name,
    environment: app.environment,
    image: app.image,
    port: app.port,
    healthPath: app.healthPath,
    healthTimeoutSeconds: app.healthTimeoutSeconds,
    probePort: app.probePort ?? "",
    livenessPath: app.livenessPath ?? "",
    healthIntervalSeconds: app.healthIntervalSeconds,
    healthProbeTimeoutSeconds: app.healthProbeTimeoutSeconds,
    healthFailureThreshold: app.healthFailureThreshold,
    healthSuccessThreshold: app.healthSuccessThreshold,
    metricsPath: app.metricsPath ?? "",
    metricsPort: app.metricsPort ?? "",
    replicas: app.replicas,
    network: app.network,
    restartPolicy: app.restartPolicy,
    pullPolicy: app.pullPolicy,
    autoDeploy: app.autoDeploy,
    hosts: app.hosts.map((host) => host.id),
    domains: app.domains,
    env: rowsFromMap(app.env),
    secrets: [],
  };
}

/** NumberInput gives a string while the box is empty or half-typed; NaN fails the number rules. */
export function toNumber(value: number | string): number {
  if (typeof value === "number") return value;
  return value.trim() === "" ? Number.NaN : Number(value);
}

function check<T>(schema: z.ZodType<T>, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** An empty box is "none"; otherwise the number as typed. */
function optionalNumber(value: number | string): number | null {
  return typeof value === "string" && value.trim() === "" ? null : toNumber(value);
}

function optionalText(value: string): string | null {
  return value.trim() === "" ? null : value.trim();
}

/** The live-health fields as the API takes them (create and update alike). */
export function healthInputFromForm(values: AppFormValues) {
  return {
    probePort: optionalNumber(values.probePort),
    livenessPath: optionalText(values.livenessPath),
    healthIntervalSeconds: toNumber(values.healthIntervalSeconds),
    healthProbeTimeoutSeconds: toNumber(values.healthProbeTimeoutSeconds),
    healthFailureThreshold: toNumber(values.healthFailureThreshold),
    healthSuccessThreshold: toNumber(values.healthSuccessThreshold),
    metricsPath: optionalText(values.metricsPath),
    metricsPort: optionalNumber(values.metricsPort),
  };
}

/** Each live-health field's own rule, then the rules between them (on the field a person would change). */
function healthErrors(values: AppFormValues): AppFieldErrors {
  const input = healthInputFromForm(values);
  const own: AppFieldErrors = {
    probePort: input.probePort === null ? undefined : check(portSchema, input.probePort),
    livenessPath: input.livenessPath === null ? undefined : check(probePathSchema, input.livenessPath),
    healthIntervalSeconds: check(healthIntervalSecondsSchema, input.healthIntervalSeconds),
    healthProbeTimeoutSeconds: check(healthProbeTimeoutSecondsSchema, input.healthProbeTimeoutSeconds),
    healthFailureThreshold: check(healthFailureThresholdSchema, input.healthFailureThreshold),
    healthSuccessThreshold: check(healthSuccessThresholdSchema, input.healthSuccessThreshold),
    metricsPath: input.metricsPath === null ? undefined : check(probePathSchema, input.metricsPath),
    metricsPort: input.metricsPort === null ? undefined : check(portSchema, input.metricsPort),
  };
  const port = toNumber(values.port);
  if (Object.values(own).some(Boolean) || Number.isNaN(port)) return own;
  const problem = healthSettingsProblem({ ...input, port });
  if (!problem) return own;
  return problem.startsWith("The probe timeout") ? { healthProbeTimeoutSeconds: problem } : { metricsPort: problem };
}

export function validateAppForm(
  values: AppFormValues,
  /** `hostCount`: the team's usable hosts; on create, none chosen means "the only one" when there is one. */
  options: { creating: boolean; hostCount: number },
): { fields: AppFieldErrors; env: Record<string, string>; secrets: Record<string, string> } {
  const fields: AppFieldErrors = {
    name: options.creating ? check(appNameSchema, values.name) : undefined,
    image: check(imageReferenceSchema, values.image),
    port: check(portSchema, toNumber(values.port)),
    healthPath: check(healthPathSchema, values.healthPath),
    healthTimeoutSeconds: check(healthTimeoutSecondsSchema, toNumber(values.healthTimeoutSeconds)),
    ...healthErrors(values),
    replicas: check(replicasSchema, toNumber(values.replicas)),
    domains: values.domains.map((domain) => check(domainSchema, domain)).find(Boolean),
    hosts:
      values.hosts.length === 0 && !(options.creating && options.hostCount === 1)
        ? options.hostCount === 0
          ? "Enrol a host first (Hosts → Add host): an app runs on hosts."
          : "Choose the hosts the app runs on."
        : undefined,
  };
  const envKeys = values.env.map((row) => row.key.trim()).filter(Boolean);
  const secretKeys = values.secrets.map((row) => row.key.trim()).filter(Boolean);
  return {
    fields,
    env: envRowErrors(values.env, secretKeys),
    secrets: envRowErrors(values.secrets, envKeys),
  };
}

export function hasErrors(result: ReturnType<typeof validateAppForm>): boolean {
  return (
    Object.values(result.fields).some(Boolean) ||
    Object.keys(result.env).length > 0 ||
    Object.keys(result.secrets).length > 0
  );
}

/** Field messages from a failed call (the server's zod issues, flattened by trpc.ts). */
export function serverFieldErrors(error: unknown): Record<string, string[] | undefined> {
  if (typeof error !== "object" || error === null || !("data" in error)) return {};
  const data = (error as { data?: { fieldErrors?: Record<string, string[] | undefined> } | null }).data;
  return data?.fieldErrors ?? {};
}
