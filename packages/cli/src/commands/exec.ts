// wheelhouse exec NAME -- CMD ARGS…: runs a command in one running instance of the app (the
// portal's exec path: the engine API, no TTY, the arguments passed as they are, no shell), writes
// its stdout and stderr through unchanged, and exits with the command's own exit code.
import { commandArgvSchema } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { CommandExitError, UsageError } from "../errors";
import { parseAppName, parseArgument, wholeNumber } from "./arguments";

async function execInApp(
  context: Context,
  rawName: string,
  command: string[],
  options: { timeout: string },
): Promise<void> {
  const name = parseAppName(rawName);
  const argv = parseArgument(commandArgvSchema, command, "CMD");
  const timeoutSeconds = wholeNumber(options.timeout);
  if (!(timeoutSeconds >= 1 && timeoutSeconds <= 600)) {
    throw new UsageError(`--timeout "${options.timeout}": a whole number of seconds from 1 to 600`);
  }
  const result = await connect(context).exec(name, { command: argv, timeoutSeconds });
  context.terminal.outBytes(Buffer.from(result.stdout, "base64"));
  context.terminal.errBytes(Buffer.from(result.stderr, "base64"));
  if (result.truncated) {
    context.terminal.err(
      `wheelhouse: the output was cut at 4 MiB per stream (ran in ${result.instance.container} on ${result.instance.host}).\n`,
    );
  }
  if (result.exitCode !== 0) throw new CommandExitError(result.exitCode);
}

export function registerExecCommand(program: Command, context: Context): void {
  program
    .command("exec")
    .description(
      "Run a command in a running instance of an app and exit with its exit code. Put -- before the command.",
    )
    .argument("<name>", "the app")
    .argument("<command...>", "the command and its arguments, after --")
    .option("--timeout <seconds>", "stop the command after this many seconds (1–600)", "60")
    .addHelpText(
      "after",
      `
The command runs as an argument list, without a shell: "a; b" is one argument, not two commands.
For shell syntax, run a shell: wheelhouse exec web -- sh -c 'ls /tmp | wc -l'

Examples:
  wheelhouse exec billing-api -- env
  wheelhouse exec billing-api -- cat /etc/os-release
  wheelhouse exec billing-api --timeout 300 -- ./manage.py migrate`,
    )
    .action((name: string, command: string[], options: { timeout: string }) =>
      execInApp(context, name, command, options),
    );
}
