// wheelhouse registries add / list / remove: the team's registry logins, which the portal sends
// with each pull from that registry. The password is read from standard input only.
import {
  registryHostSchema,
  type registryLoginSummarySchema,
  registryPasswordSchema,
  registryUsernameSchema,
} from "@wheelhouse/shared";
import { type Command, Option } from "commander";
import type { z } from "zod";
import { type Context, connect } from "../context";
import { UsageError } from "../errors";
import { clean, formatRelativeTime } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";
import { parseArgument } from "./arguments";

/** Far above any registry token (GitHub's, GitLab's, cloud providers'), far below a mistaken file. */
const STDIN_LIMIT_BYTES = 16 * 1024;

interface AddOptions {
  username: string;
  passwordStdin?: boolean;
  password?: string;
}

/** What was piped in, without the one line ending `echo` or a file adds (as `docker login` does). */
export function passwordFromStdin(text: string): string {
  return text.replace(/\r?\n$/, "");
}

async function addLogin(context: Context, hostText: string, options: AddOptions): Promise<void> {
  if (options.password !== undefined) {
    throw new UsageError(
      "A registry password is never an argument (other users see arguments in ps, and shells keep them in history): pipe it in with --password-stdin, e.g. printf '%s' \"$TOKEN\" | wheelhouse registries add ghcr.io --username ci --password-stdin.",
    );
  }
  if (!options.passwordStdin) {
    throw new UsageError("registries add needs --password-stdin, with the password or token piped to it.");
  }
  const host = parseArgument(registryHostSchema, hostText, `HOST "${hostText}"`);
  const username = parseArgument(registryUsernameSchema, options.username, "--username");
  if (context.stdin.isTTY()) context.terminal.err("Password (end with Ctrl-D): ");
  const password = passwordFromStdin(await context.stdin.readAll(STDIN_LIMIT_BYTES));
  if (password === "") {
    throw new UsageError("--password-stdin: standard input is empty; pipe the password or token in.");
  }
  const checked = parseArgument(registryPasswordSchema, password, "--password-stdin");
  const { login, replaced } = await connect(context).addRegistryLogin({ host, username, password: checked });
  const what = replaced ? "Replaced the team's login" : "Saved the team's login";
  context.terminal.out(
    `${what} for ${clean(login.host)} as ${clean(login.username)}; deploys pulling from ${clean(login.host)} use it from now on.\n`,
  );
}

export function registryLoginsTable(
  logins: readonly z.infer<typeof registryLoginSummarySchema>[],
  context: Context,
): string {
  const now = context.now();
  return renderTable(
    ["HOST", "USER", "ADDED BY", "ADDED"],
    logins.map((login) => [
      clean(login.host),
      clean(login.username),
      login.createdBy ? clean(login.createdBy) : context.terminal.paint("unknown", "muted"),
      formatRelativeTime(login.createdAt, now),
    ]),
  );
}

async function listLogins(context: Context, options: { json?: boolean }): Promise<void> {
  const logins = await connect(context).listRegistryLogins();
  if (options.json) return printJson(context.terminal, logins);
  if (logins.length === 0) {
    context.terminal.out(
      "No registry logins: pulls go without one. Add one for a private registry with: wheelhouse registries add HOST --username U --password-stdin\n",
    );
    return;
  }
  context.terminal.out(registryLoginsTable(logins, context));
}

async function removeLogin(context: Context, hostText: string): Promise<void> {
  const host = parseArgument(registryHostSchema, hostText, `HOST "${hostText}"`);
  const removed = await connect(context).removeRegistryLogin(host);
  context.terminal.out(`Removed the team's login for ${clean(removed.host)}; pulls from it now go without one.\n`);
}

export function registerRegistriesCommands(program: Command, context: Context): void {
  const registries = program
    .command("registries")
    .description(
      "The team's registry logins, sent with each pull from that registry (adding and removing needs admin).",
    );

  registries
    .command("add")
    .description("Save the team's login for a registry; one for a host that has one replaces it.")
    .argument("<host>", "the registry as image references name it: ghcr.io, registry.example.com:5000, docker.io")
    .requiredOption("--username <user>", "the registry user name")
    .option("--password-stdin", "read the password or token from standard input")
    // Declared only to refuse it with a sentence that says what to do instead.
    .addOption(new Option("--password <password>").hideHelp())
    .addHelpText(
      "after",
      `
Examples:
  printf '%s' "$GHCR_TOKEN" | wheelhouse registries add ghcr.io --username ci-bot --password-stdin
  wheelhouse registries add registry.example.com:5000 --username deploy --password-stdin < token.txt`,
    )
    .action((host: string, options: AddOptions) => addLogin(context, host, options));

  registries
    .command("list")
    .description("List the team's registry logins: host, user name, who added it and when (never the password).")
    .option("--json", "print the logins as a JSON array")
    .action((options: { json?: boolean }) => listLogins(context, options));

  registries
    .command("remove")
    .description("Remove the team's login for a registry.")
    .argument("<host>", "the registry, as listed by wheelhouse registries list")
    .action((host: string) => removeLogin(context, host));
}
