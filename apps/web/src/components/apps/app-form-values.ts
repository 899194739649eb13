// The app form's state as typed, and its check against the same field rules the server applies
// (packages/shared/src/apps/app-fields.ts), so the sentences match whichever side catches a mistake.
import {
  type App,
  appNameSchema,
  domainSchema,
  type Environment,
  healthPathSchema,
  healthTimeoutSecondsSchema,
  imageReferenceSchema,
  type NetworkMode,
  type PullPolicy,
  portSchema,
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
