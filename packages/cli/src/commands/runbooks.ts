// wheelhouse runbooks validate PATH: checks runbook files offline, with the same parser the portal
// uses (packages/shared runbook-format.ts), so a runbook can be checked in CI before it is merged.
// wheelhouse runbooks list: the team's runbooks, over REST.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parseRunbook, type RunbookError, type RunbookSummary } from "@wheelhouse/shared";
import type { Command } from "commander";
import { type Context, connect } from "../context";
import { OperationFailedError, UsageError } from "../errors";
import { clean } from "../output/format";
import { renderTable } from "../output/table";
import { printJson } from "../output/terminal";

export interface FileReport {
  file: string;
  /** The runbook's id when it parsed. */
  id: string | null;
  errors: RunbookError[];
}

const isRunbookFile = (name: string) => /\.ya?ml$/i.test(name) && !name.startsWith(".");

/** The files PATH names: itself, or the runbook files of a folder (not its subfolders), by name. */
export function runbookFiles(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`${path}: no such file or folder.`);
  }
  if (!isFolder) return [path];
  const files = readdirSync(path)
    .filter(isRunbookFile)
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new UsageError(`${path}: the folder has no *.yaml or *.yml files.`);
  return files;
}

/** The line of the top-level `id:` key, for a duplicate id (1 if it cannot be found). */
function idLine(source: string): number {
  const index = source.split(/\r?\n/).findIndex((line) => /^id\s*:/.test(line));
  return index >= 0 ? index + 1 : 1;
}

/** Parses each file; two files with one id are an error too (the portal's library keeps the first). */
export function validateFiles(files: readonly string[]): FileReport[] {
  const seen = new Map<string, string>();
  return files.map((file) => {
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (error) {
      return { file, id: null, errors: [{ line: 0, message: `cannot be read: ${(error as Error).message}` }] };
    }
    const parsed = parseRunbook(source);
    if (!parsed.ok) return { file, id: null, errors: parsed.errors };
    const id = parsed.runbook.id;
    const earlier = seen.get(id);
    if (earlier)
      return {
        file,
        id,
        errors: [{ line: idLine(source), message: `id "${id}" is already used by ${basename(earlier)}.` }],
      };
    seen.set(id, file);
    return { file, id, errors: [] };
  });
}

/** One `file:line: reason` line per error (no line number for an error about the whole file). */
export function errorLines(reports: readonly FileReport[]): string[] {
  return reports.flatMap((report) =>
    report.errors.map((error) =>
      error.line > 0 ? `${report.file}:${error.line}: ${error.message}` : `${report.file}: ${error.message}`,
    ),
  );
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function validate(context: Context, path: string, options: { json?: boolean }): void {
  const reports = validateFiles(runbookFiles(path));
  const invalid = reports.filter((report) => report.errors.length > 0).length;
  if (options.json) printJson(context.terminal, { ok: invalid === 0, files: reports });
  else if (invalid === 0) context.terminal.out(`${plural(reports.length, "runbook")} valid\n`);
  else context.terminal.out(`${errorLines(reports).join("\n")}\n`);
  if (invalid > 0) throw new OperationFailedError(`${invalid} of ${plural(reports.length, "runbook")} not valid.`);
}

export function runbooksTable(runbooks: readonly RunbookSummary[]): string {
  return renderTable(
    ["ID", "VERSION", "ORIGIN", "STEPS", "TITLE"],
    runbooks.map((runbook) => [
      clean(runbook.slug),
      runbook.version,
      runbook.shadowsLibrary ? "team (replaces library)" : runbook.origin,
      `${runbook.steps} (${runbook.automaticSteps} automatic)`,
      clean(runbook.title),
    ]),
  );
}

async function list(context: Context, options: { json?: boolean }): Promise<void> {
  const runbooks = await connect(context).listRunbooks();
  if (options.json) return printJson(context.terminal, runbooks);
  if (runbooks.length === 0) {
    context.terminal.out("No runbooks: the portal's library is empty and the team has written none.\n");
    return;
  }
  context.terminal.out(runbooksTable(runbooks));
}

export function registerRunbooksCommands(program: Command, context: Context): void {
  const runbooks = program.command("runbooks").description("Runbooks: check runbook files, list the team's.");

  runbooks
    .command("validate")
    .description("Check runbook files offline (no portal needed): every error with its file, line and reason.")
    .argument("<path>", "a runbook .yaml file, or a folder of them")
    .option("--json", "print {ok, files: [{file, id, errors: [{line, message}]}]}")
    .addHelpText(
      "after",
      `
Exit code 0 when every runbook is valid, 1 when any is not.

Examples:
  wheelhouse runbooks validate runbooks/
  wheelhouse runbooks validate my-runbook.yaml --json`,
    )
    .action((path: string, options: { json?: boolean }) => validate(context, path, options));

  runbooks
    .command("list")
    .description("List the team's runbooks: the built-in library and the team's own (newest version each).")
    .option("--json", "print the runbooks as a JSON array")
    .action((options: { json?: boolean }) => list(context, options));
}
