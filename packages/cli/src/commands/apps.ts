// wheelhouse apps create / apps update / apps list.
import {
  type App,
  createAppInputSchema,
  ENVIRONMENTS,
  PULL_POLICIES,
  type PullPolicy,
  parseEnvAssignment,
  RESERVED_ENV_KEYS,
} from "@wheelhouse/shared";
import { type Command, Option } from "commander";
import { z } from "zod";
import { type Context, connect } from "../context";
import { UsageError } from "../errors";
import { clean } from "../output/format";
import { renderTable } from "../output/table";
import { printJson, statusTone } from "../output/terminal";
import { collect, parseAppName, wholeNumber } from "./arguments";
import { type HealthOptions, healthFields, withHealthOptions } from "./health-options";

/** The flags `apps create` and `apps update` share: where images come from, and deploy on push. */
interface ImageOptions {
  pullPolicy?: PullPolicy;
  /** Undefined when neither --auto-deploy nor --no-auto-deploy was given. */
  autoDeploy?: boolean;
}

interface CreateOptions extends ImageOptions, HealthOptions {
  image: string;
  port: string;
  environment: (typeof ENVIRONMENTS)[number];
  health?: string;
  domain: string[];
  host: string[];
  env: string[];
  secret: string[];
  replicas?: string;
}

/** Which flag each field of createAppInputSchema comes from, to name it when it is wrong. */
const FLAG_FOR_FIELD: Record<string, string> = {
  name: "NAME",
  environment: "--environment",
  image: "--image",
  port: "--port",
  healthPath: "--health",
  replicas: "--replicas",
  hosts: "--host",
  domains: "--domain",
  env: "--env",
  secrets: "--secret",
  pullPolicy: "--pull-policy",
  autoDeploy: "--auto-deploy",
};

const PULL_POLICY_HELP: Record<PullPolicy, string> = {
  always: "ask the registry for the tag's current digest at each deploy, the default",
  "if-not-present": "use a local image when the host has one",
  never: "local images only, never pull",
};

/** Only the flags that were given, so that the portal's defaults (or the current values) stay. */
function imageFields(options: ImageOptions): { pullPolicy?: PullPolicy; autoDeploy?: boolean } {
  return {
    ...(options.pullPolicy === undefined ? {} : { pullPolicy: options.pullPolicy }),
    ...(options.autoDeploy === undefined ? {} : { autoDeploy: options.autoDeploy }),
  };
}

/** "pull policy always, auto-deploy on push off": how an app gets its images, in a few words. */
export function describeImagePolicy(app: Pick<App, "pullPolicy" | "autoDeploy">): string {
  return `pull policy ${app.pullPolicy}, auto-deploy on push ${app.autoDeploy ? "on" : "off"}`;
}

/** Adds --pull-policy and --auto-deploy/--no-auto-deploy to a command. */
function withImageOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--pull-policy <policy>",
        `where each deploy gets the image. ${PULL_POLICIES.map((policy) => `${policy}: ${PULL_POLICY_HELP[policy]}`).join("; ")}`,
      ).choices(PULL_POLICIES),
    )
    .option(
      "--auto-deploy",
      "deploy the pushed digest when the team's registry hook reports a push of this image and tag",
    )
    .option("--no-auto-deploy", "do not deploy on registry pushes (the default)");
}

/** KEY=VALUE assignments → a map; a repeated or reserved name is a usage error. */
export function parseAssignments(assignments: readonly string[], flag: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const assignment of assignments) {
    let key: string;
    let value: string;
    try {
      [key, value] = parseEnvAssignment(assignment);
    } catch (error) {
      const message =
        error instanceof z.ZodError ? (error.issues[0]?.message ?? "invalid name") : (error as Error).message;
      throw new UsageError(`${flag} ${assignment}: ${message}`);
    }
    if ((RESERVED_ENV_KEYS as readonly string[]).includes(key)) {
      throw new UsageError(`${flag} ${key}: Wheelhouse sets ${key} for every instance; leave it out.`);
    }
    if (key in map) throw new UsageError(`${flag} ${key} is given twice.`);
    map[key] = value;
  }
  return map;
}

/** Everything `apps create` sends, checked with the portal's own schema. */
export function buildCreateAppInput(name: string, options: CreateOptions) {
  const env = parseAssignments(options.env, "--env");
  const secrets = parseAssignments(options.secret, "--secret");
  const both = Object.keys(env).find((key) => key in secrets);
  if (both) throw new UsageError(`${both} is given both as --env and as --secret; choose one.`);
  const parsed = createAppInputSchema.safeParse({
    name,
    environment: options.environment,
    image: options.image,
    port: wholeNumber(options.port),
    ...(options.health === undefined ? {} : { healthPath: options.health }),
    ...(options.replicas === undefined ? {} : { replicas: wholeNumber(options.replicas) }),
    hosts: options.host,
    domains: options.domain,
    env,
    secrets,
    ...imageFields(options),
    ...healthFields(options),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === "string" ? issue.path[0] : "";
  throw new UsageError(`${FLAG_FOR_FIELD[field] ?? "value"}: ${issue?.message ?? "invalid value"}`);
}

async function createApp(context: Context, rawName: string, options: CreateOptions & JsonOption): Promise<void> {
  parseAppName(rawName);
  const input = buildCreateAppInput(rawName, options);
  const app = await connect(context).createApp(input);
  if (options.json) return printJson(context.terminal, app);
  context.terminal.out(
    `Created ${app.name} (${app.environment}): ${clean(app.image)} on port ${app.port}, ${app.replicas} replica${app.replicas === 1 ? "" : "s"} on ${app.hosts.map((host) => host.name).join(", ") || "the team's host"}; ${describeImagePolicy(app)}.\n` +
      `Deploy it with: wheelhouse deploy ${app.name} --wait\n`,
  );
}

/** What `apps update` sends; at least one change, or a usage error (nothing is sent). */
export function buildUpdateAppInput(options: ImageOptions & HealthOptions) {
  const changes = { ...imageFields(options), ...healthFields(options) };
  if (Object.keys(changes).length === 0) {
    throw new UsageError(
      "apps update needs a change: --pull-policy POLICY, --auto-deploy or --no-auto-deploy, or a health-check flag (see --help).",
    );
  }
  return changes;
}

/** "probes /ready on port 9090 every 10 s (timeout 2 s; Unhealthy after 3 failures, Healthy after 2 passes)". */
export function describeHealthChecks(
  app: Pick<
    App,
    | "port"
    | "healthPath"
    | "probePort"
    | "livenessPath"
    | "healthIntervalSeconds"
    | "healthProbeTimeoutSeconds"
    | "healthFailureThreshold"
    | "healthSuccessThreshold"
  >,
): string {
  const liveness = app.livenessPath === null ? "" : ` and ${app.livenessPath} (liveness)`;
  return `probes ${app.healthPath}${liveness} on port ${app.probePort ?? app.port} every ${app.healthIntervalSeconds} s (timeout ${app.healthProbeTimeoutSeconds} s; Unhealthy after ${app.healthFailureThreshold} failures, Healthy after ${app.healthSuccessThreshold} passes)`;
}

async function updateApp(
  context: Context,
  rawName: string,
  options: ImageOptions & HealthOptions & JsonOption,
): Promise<void> {
  const name = parseAppName(rawName);
  const app = await connect(context).updateApp(name, buildUpdateAppInput(options));
  if (options.json) return printJson(context.terminal, app);
  // The pull policy is read at each deploy and auto-deploy at each push; health settings are frozen
  // with each release, so they apply from the next deploy.
  const healthChanged = Object.keys(healthFields(options)).length > 0;
  context.terminal.out(
    `Saved ${app.name}: ${describeImagePolicy(app)}${healthChanged ? `; ${describeHealthChecks(app)}` : ""}.\n`,
  );
}

export function appsTable(apps: readonly App[], paint: Context["terminal"]["paint"]): string {
  return renderTable(
    ["NAME", "ENVIRONMENT", "STATUS", "LIVE", "IMAGE", "DOMAINS"],
    apps.map((app) => [
      app.name,
      app.environment,
      paint(app.status, statusTone(app.status)),
      app.liveRelease ? `#${app.liveRelease.number}` : null,
      clean(app.image),
      app.domains.join(", "),
    ]),
  );
}

interface JsonOption {
  json?: boolean;
}

async function listApps(context: Context, options: JsonOption): Promise<void> {
  const apps = await connect(context).listApps();
  if (options.json) return printJson(context.terminal, apps);
  if (apps.length === 0) {
    context.terminal.out("No apps yet. Create one with: wheelhouse apps create NAME --image IMAGE --port PORT\n");
    return;
  }
  context.terminal.out(appsTable(apps, context.terminal.paint));
}

export function registerAppsCommands(program: Command, context: Context): void {
  const apps = program.command("apps").description("Create, change and list apps.");

  const create = apps
    .command("create")
    .description("Create an app (it is not deployed until you run wheelhouse deploy).")
    .argument("<name>", "2–40 lower-case letters, digits or dashes, e.g. billing-api")
    .requiredOption("--image <image>", "the Docker image, e.g. registry.example.com/team/app:1.4.2")
    .requiredOption("--port <port>", "the port the app listens on inside the container")
    .addOption(new Option("--environment <environment>", "where it runs").choices(ENVIRONMENTS).default("staging"))
    .option("--health <path>", "the health-check path (default: /health)")
    .option("--domain <domain>", "a domain to serve it on (repeatable)", collect, [])
    .option("--host <host>", "a host name or id to run it on (repeatable; default: the team's only host)", collect, [])
    .option("--env <KEY=VALUE>", "an environment variable (repeatable)", collect, [])
    .option(
      "--secret <KEY=VALUE>",
      "a secret variable, stored encrypted and never shown again (repeatable)",
      collect,
      [],
    )
    .option("--replicas <count>", "how many instances (default: 1)");
  withHealthOptions(withImageOptions(create))
    .option("--json", "print the created app as a JSON object")
    .addHelpText(
      "after",
      `
Example:
  wheelhouse apps create billing-api --image registry.example.com/billing:1.4.2 --port 8080 \\
    --domain billing.example.com --env LOG_LEVEL=info --secret DATABASE_URL=postgres://...
  wheelhouse apps create shop --image registry.example.com/shop:latest --port 8080 --auto-deploy
  wheelhouse apps create api --image registry.example.com/api:2.0 --port 8080 --health /ready \\
    --probe-port 9090 --liveness-path /live --metrics-path /metrics`,
    )
    .action((name: string, options: CreateOptions & JsonOption) => createApp(context, name, options));

  const update = apps
    .command("update")
    .description(
      "Change how an app gets its image (pull policy, auto-deploy on push) and its health checks (from the next deploy).",
    )
    .argument("<name>", "the app");
  withHealthOptions(withImageOptions(update))
    .option("--json", "print the saved app as a JSON object")
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse apps update shop --pull-policy if-not-present
  wheelhouse apps update shop --auto-deploy
  wheelhouse apps update shop --health-interval 5 --failure-threshold 2 --liveness-path none`,
    )
    .action((name: string, options: ImageOptions & HealthOptions & JsonOption) => updateApp(context, name, options));

  apps
    .command("list")
    .description("List the team's apps.")
    .option("--json", "print the apps as a JSON array")
    .action((options: JsonOption) => listApps(context, options));
}
