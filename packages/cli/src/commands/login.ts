// wheelhouse login / logout: store (or forget) the portal's address and an API key.
import { apiKeyNameSchema, emailSchema, teamNameSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import { ApiClient } from "../api/api-client";
import { credentialsPath, deleteStoredCredentials, writeStoredCredentials } from "../config/credentials";
import { DEFAULT_PORTAL_URL, normalisePortalUrl } from "../config/environment";
import type { Context } from "../context";
import { UsageError } from "../errors";
import { maskToken } from "../output/format";
import { parseArgument } from "./arguments";

interface LoginOptions {
  url?: string;
  token?: string;
  email?: string;
  password?: string;
  team?: string;
}

/** How the new key is listed on the portal's account page. */
export function keyName(hostname: string): string {
  return parseArgument(apiKeyNameSchema, `cli on ${hostname || "unknown host"}`.slice(0, 80), "key name");
}

async function login(context: Context, options: LoginOptions): Promise<void> {
  const { terminal, environment } = context;
  const url = options.url ? normalisePortalUrl(options.url, "--url") : (environment.url ?? DEFAULT_PORTAL_URL);
  const usingPassword = options.email !== undefined || options.password !== undefined;
  if (options.token !== undefined && usingPassword) {
    throw new UsageError("Give either --token or --email with --password, not both.");
  }
  if (options.token !== undefined && options.team !== undefined) {
    throw new UsageError(
      "--team goes with --email and --password: a key made on the portal acts in the team it was made in.",
    );
  }
  if (options.token === undefined && !usingPassword) {
    throw new UsageError("login needs --token KEY, or --email EMAIL with --password PASSWORD.");
  }

  let token: string;
  let keyLabel: string;
  if (options.token !== undefined) {
    token = options.token.trim();
    if (!token) throw new UsageError("--token is empty.");
    keyLabel = maskToken(token);
  } else {
    if (options.email === undefined || options.password === undefined) {
      throw new UsageError("--email and --password go together.");
    }
    const email = parseArgument(emailSchema, options.email, "--email");
    const name = keyName(context.hostname);
    const team = options.team === undefined ? undefined : parseArgument(teamNameSchema, options.team, "--team");
    const created = await new ApiClient({ url }).createPasswordKey({
      email,
      password: options.password,
      name,
      ...(team ? { team } : {}),
    });
    token = created.token;
    keyLabel = `"${created.apiKey.name}" (${created.apiKey.prefix}…)`;
  }

  const me = await new ApiClient({ url, token, tokenSource: options.token ? "--token" : "this sign-in" }).me();
  const path = writeStoredCredentials(environment.configDir, { url, token });
  terminal.out(
    `Logged in to ${url} as ${me.user.name} <${me.user.email}> (${me.role}, team ${me.team.name}) with key ${keyLabel}; saved in ${path}.\n`,
  );
  if (environment.token) {
    terminal.err("note: WHEELHOUSE_TOKEN is set and overrides the stored key for the other commands.\n");
  }
}

function logout(context: Context): void {
  const path = credentialsPath(context.environment.configDir);
  if (!deleteStoredCredentials(context.environment.configDir)) {
    context.terminal.out(`Not logged in (no ${path}); nothing to do.\n`);
    return;
  }
  context.terminal.out(
    `Logged out: removed ${path}. The API key itself stays valid until you revoke it on the portal's account page.\n`,
  );
}

export function registerLoginCommands(program: Command, context: Context): void {
  program
    .command("login")
    .description("Sign in to a portal and store its address and an API key for the other commands.")
    .option("--url <url>", `the portal's address (default: WHEELHOUSE_URL, else ${DEFAULT_PORTAL_URL})`)
    .option("--token <key>", "an API key made on the portal's account page")
    .option("--email <email>", "sign in with email and password; a new API key is made for this machine")
    .option("--password <password>", "the password for --email")
    .option("--team <team>", "with --email: the team the new key acts in, by name or slug (default: your first team)")
    .addHelpText(
      "after",
      `
Examples:
  wheelhouse login --url https://wheelhouse.example.com --token wh_...
  wheelhouse login --url http://localhost:3000 --email ada@example.com --password '...'
  wheelhouse login --email ada@example.com --password '...' --team "Blue team"`,
    )
    .action((options: LoginOptions) => login(context, options));

  program
    .command("logout")
    .description("Forget the stored address and key (deletes credentials.json).")
    .action(() => logout(context));
}
