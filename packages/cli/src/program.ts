// The `wheelhouse` command line: builds the commander program and runs it, turning every failure
// into one sentence on stderr and the exit code scripts rely on. Never calls process.exit, so tests
// run it in-process.
import { setTimeout as sleep } from "node:timers/promises";
import { Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { registerApprovalsCommands } from "./commands/approvals";
import { registerAppsCommands } from "./commands/apps";
import { registerAuditCommands } from "./commands/audit";
import { registerCertsCommands } from "./commands/certs";
import { registerDeployCommands } from "./commands/deploy";
import { registerExecCommand } from "./commands/exec";
import { registerHostsCommands } from "./commands/hosts";
import { registerIncidentsCommands } from "./commands/incidents";
import { registerLoginCommands } from "./commands/login";
import { registerLogsCommand } from "./commands/logs";
import { registerMaintenanceCommand } from "./commands/maintenance";
import { registerRegistriesCommands } from "./commands/registries";
import { registerReleasesCommand } from "./commands/releases";
import { registerRestartScaleCommands } from "./commands/restart-scale";
import { registerRunbooksCommands } from "./commands/runbooks";
import { registerStatusCommand } from "./commands/status";
import { registerTeamsCommands } from "./commands/teams";
import { registerUsersCommands } from "./commands/users";
import { ENVIRONMENT_HELP, readEnvironment } from "./config/environment";
import type { Context } from "./context";
import { CliError, CommandExitError, EXIT, WaitingForApprovalExit } from "./errors";
import { createTerminal } from "./output/terminal";
import { type StdinSource, stdinReader } from "./stdin";

const EXIT_CODE_HELP = [
  ["0", "done"],
  ["1", "the operation failed: the deployment or certificate order failed, or the portal said no"],
  ["2", "usage error: a bad flag or value (nothing was sent)"],
  [
    "3",
    "it did not run, a person must act first: not logged in (the portal refused the key), or the action\n     waits for approval (stdout, and --json, then carry the request's requestId)",
  ],
  ["4", "the portal could not be reached"],
] as const;

const HELP_FOOTER = `
Environment variables:
${ENVIRONMENT_HELP.map(([name, what]) => `  ${name.padEnd(18)} ${what}`).join("\n")}

Exit codes:
${EXIT_CODE_HELP.map(([code, what]) => `  ${code}  ${what}`).join("\n")}

Start with: wheelhouse login --url https://wheelhouse.example.com --token KEY`;

export function buildProgram(context: Context): Command {
  const { terminal } = context;
  const program = new Command("wheelhouse")
    .description(
      "The command line for a Wheelhouse portal: apps, deploys, releases, rollbacks, approvals, users, teams, hosts and certificates.",
    )
    .version(packageJson.version, "-V, --version", "print the CLI's version")
    // Set before the subcommands are added, which inherit them.
    .exitOverride()
    .configureOutput({ writeOut: terminal.out, writeErr: terminal.err })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", HELP_FOOTER);

  registerLoginCommands(program, context);
  registerAppsCommands(program, context);
  registerDeployCommands(program, context);
  registerRestartScaleCommands(program, context);
  registerReleasesCommand(program, context);
  registerStatusCommand(program, context);
  registerLogsCommand(program, context);
  registerMaintenanceCommand(program, context);
  registerUsersCommands(program, context);
  registerTeamsCommands(program, context);
  registerRegistriesCommands(program, context);
  registerExecCommand(program, context);
  registerHostsCommands(program, context);
  registerCertsCommands(program, context);
  registerIncidentsCommands(program, context);
  registerRunbooksCommands(program, context);
  registerApprovalsCommands(program, context);
  registerAuditCommands(program, context);
  return program;
}

interface Stream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export interface Io {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: Stream;
  stderr: Stream;
  /**
   * Called only by commands that take a secret from standard input, so no other command opens it
   * (an open stdin handle can keep the process waiting); none means empty.
   */
  stdin?: () => StdinSource;
  hostname: string;
  now?: () => Date;
  sleep?: (milliseconds: number) => Promise<void>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs one command line and returns its exit code (for `exec`, the command's own). */
export async function runCli(io: Io): Promise<number> {
  try {
    const environment = readEnvironment(io.env);
    const context: Context = {
      environment,
      terminal: createTerminal(io.stdout, io.stderr, environment.noColor),
      hostname: io.hostname,
      now: io.now ?? (() => new Date()),
      sleep: io.sleep ?? ((milliseconds) => sleep(milliseconds)),
      stdin: stdinReader(io.stdin),
    };
    await buildProgram(context).parseAsync([...io.argv], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    // Commander has already printed its message (or the help) by the time it throws.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof CommandExitError) return error.code;
    // The request is already printed on stdout; stderr stays empty, unlike "not logged in" (also 3).
    if (error instanceof WaitingForApprovalExit) return error.exitCode;
    if (error instanceof CliError) {
      io.stderr.write(`wheelhouse: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`wheelhouse: unexpected error: ${describe(error)}\n`);
    return EXIT.failed;
  }
}
