// wheelhouse logs NAME: every instance's log lines, merged in time order. --follow keeps asking for
// what comes after (a long poll on the portal: each call waits up to 20 s for new lines) until Ctrl-C.
import { type AppLogLine, LOG_LEVELS, type LogLevel, parseSince } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { UsageError } from "../errors";
import { clean } from "../output/format";
import type { Tone } from "../output/terminal";
import { parseAppName, wholeNumber } from "./arguments";

interface LogsOptions {
  since?: string;
  tail?: string;
  follow?: boolean;
  grep?: string;
  level?: string;
  json?: boolean;
}

const FOLLOW_WAIT_MS = 20_000;
const LEVEL_TONES: Partial<Record<LogLevel, Tone>> = {
  warn: "busy",
  error: "bad",
  fatal: "bad",
  debug: "muted",
  trace: "muted",
};

function checkOptions(options: LogsOptions) {
  if (options.since) {
    try {
      parseSince(options.since);
    } catch (error) {
      throw new UsageError(`--since: ${(error as Error).message}`);
    }
  }
  const tail = options.tail === undefined ? undefined : wholeNumber(options.tail);
  if (tail !== undefined && !(tail >= 1 && tail <= 10_000))
    throw new UsageError("--tail: a whole number from 1 to 10000.");
  if (options.level && !(LOG_LEVELS as readonly string[]).includes(options.level)) {
    throw new UsageError(`--level: one of ${LOG_LEVELS.join(", ")}.`);
  }
  if (options.grep !== undefined && options.grep.length > 200) throw new UsageError("--grep: at most 200 characters.");
  return { tail, level: options.level as LogLevel | undefined };
}

function printLines(context: Context, lines: AppLogLine[], options: LogsOptions, several: boolean) {
  const { terminal } = context;
  for (const line of lines) {
    if (options.json) {
      terminal.out(`${JSON.stringify(line)}\n`);
      continue;
    }
    const tone = line.level ? LEVEL_TONES[line.level] : undefined;
    const text = clean(line.text);
    const prefix = `${terminal.paint(line.ts.slice(0, 23).replace("T", " "), "muted")}${several ? ` ${line.instance}` : ""}`;
    terminal.out(`${prefix} ${tone ? terminal.paint(text, tone) : text}\n`);
  }
}

async function showLogs(context: Context, rawName: string, options: LogsOptions): Promise<void> {
  const name = parseAppName(rawName);
  const { tail, level } = checkOptions(options);
  const api = connect(context);
  const query = {
    ...(options.since ? { since: options.since } : {}),
    ...(tail !== undefined ? { tail: String(tail) } : {}),
    ...(options.grep ? { grep: options.grep } : {}),
    ...(level ? { level } : {}),
  };
  let answer = await api.appLogs(name, query);
  if (answer.instances.length === 0 && !options.json) {
    context.terminal.err(`${name} has no running instance; deploy it first: wheelhouse deploy ${name}\n`);
  }
  printLines(context, answer.lines, options, answer.instances.length > 1);
  while (options.follow) {
    answer = await api.appLogs(name, { ...query, cursor: answer.cursor, waitMs: String(FOLLOW_WAIT_MS) });
    printLines(context, answer.lines, options, answer.instances.length > 1);
  }
}

export function registerLogsCommand(program: Command, context: Context): void {
  program
    .command("logs")
    .description("Print an app's log lines (every instance, merged in time order); --follow keeps printing.")
    .argument("<name>", "the app")
    .option("--since <when>", "start at a time: 15m, 2h, 3d, or 2026-05-01T10:00:00Z")
    .option("--tail <n>", "the last N lines of each instance (default 100 without --since)")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option("--grep <text>", "only lines containing TEXT (case-insensitive; matched on the host)")
    .option("--level <level>", `only lines at this level or above (${LOG_LEVELS.join(", ")})`)
    .option("--json", "one JSON object per line: instance, ts, text, level")
    .addHelpText(
      "after",
      "\nExamples:\n  wheelhouse logs billing-api --since 15m\n  wheelhouse logs billing-api --follow --grep timeout\n  wheelhouse logs billing-api --level error --json | jq .text",
    )
    .action((name: string, options: LogsOptions) => showLogs(context, name, options));
}
