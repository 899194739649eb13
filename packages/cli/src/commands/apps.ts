// wheelhouse apps create / apps list.
import {
  type App,
  createAppInputSchema,
  ENVIRONMENTS,
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

interface CreateOptions {
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
};

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
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === "string" ? issue.path[0] : "";
  throw new UsageError(`${FLAG_FOR_FIELD[field] ?? "value"}: ${issue?.message ?? "invalid value"}`);
}

async function createApp(context: Context, rawName: string, options: CreateOptions): Promise<void> {
  parseAppName(rawName);
  const input = buildCreateAppInput(rawName, options);
  const app = await connect(context).createApp(input);
  context.terminal.out(
    `Created ${app.name} (${app.environment}): ${clean(app.image)} on port ${app.port}, ${app.replicas} replica${app.replicas === 1 ? "" : "s"} on ${app.hosts.map((host) => host.name).join(", ") || "the team's host"}.\n` +
      `Deploy it with: wheelhouse deploy ${app.name} --wait\n`,
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

async function listApps(context: Context, options: { json?: boolean }): Promise<void> {
  const apps = await connect(context).listApps();
  if (options.json) return printJson(context.terminal, apps);
  if (apps.length === 0) {
    context.terminal.out("No apps yet. Create one with: wheelhouse apps create NAME --image IMAGE --port PORT\n");
    return;
  }
  context.terminal.out(appsTable(apps, context.terminal.paint));
}

export function registerAppsCommands(program: Command, context: Context): void {
  const apps = program.command("apps").description("Create and list apps.");

  apps
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
    .option("--replicas <count>", "how many instances (default: 1)")
    .addHelpText(
      "after",
      `
Example:
  wheelhouse apps create billing-api --image registry.example.com/billing:1.4.2 --port 8080 \\
    --domain billing.example.com --env LOG_LEVEL=info --secret DATABASE_URL=postgres://...`,
    )
    .action((name: string, options: CreateOptions) => createApp(context, name, options));

  apps
    .command("list")
    .description("List the team's apps.")
    .option("--json", "print the apps as a JSON array")
    .action((options: { json?: boolean }) => listApps(context, options));
}
