// The built-in runbook library: every *.yaml in RUNBOOKS_DIR (runbooks/ of the checkout), parsed
// once and kept in memory. A broken file is logged once, with its file, line and reason, and left
// out: one bad runbook never stops the portal (the library test in CI is what keeps them valid).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRunbook, type RunbookDefinition, type RunbookError } from "@wheelhouse/shared";

export interface LibraryRunbook {
  slug: string;
  definition: RunbookDefinition;
  /** The YAML as written, shown on the runbook's page. */
  source: string;
  /** The file's name inside RUNBOOKS_DIR. */
  file: string;
}

export interface LibraryProblem {
  file: string;
  line: number;
  message: string;
}

export interface LoadedLibrary {
  runbooks: ReadonlyMap<string, LibraryRunbook>;
  problems: LibraryProblem[];
}

/** Whether a folder entry is a runbook file. Markdown with front matter is not read yet: YAML only. */
export function isRunbookFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith(".");
}

/** Reads and parses every runbook file of `dir`, in name order; never throws for a bad file. */
export function loadLibrary(dir: string): LoadedLibrary {
  const runbooks = new Map<string, LibraryRunbook>();
  const problems: LibraryProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter(isRunbookFile).sort();
  } catch (error) {
    problems.push({ file: dir, line: 0, message: `the folder cannot be read: ${(error as Error).message}` });
    return { runbooks, problems };
  }
  for (const file of names) {
    let source: string;
    try {
      source = readFileSync(join(dir, file), "utf8");
    } catch (error) {
      problems.push({ file, line: 0, message: `the file cannot be read: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseRunbook(source);
    if (!parsed.ok) {
      problems.push(...parsed.errors.map((error: RunbookError) => ({ file, ...error })));
      continue;
    }
    const earlier = runbooks.get(parsed.runbook.id);
    if (earlier) {
      problems.push({ file, line: 1, message: `id "${parsed.runbook.id}" is already used by ${earlier.file}.` });
      continue;
    }
    runbooks.set(parsed.runbook.id, { slug: parsed.runbook.id, definition: parsed.runbook, source, file });
  }
  return { runbooks, problems };
}

/** What the loader writes to: the portal's pino logger, or a test's recorder. */
export interface LibraryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

// One library per folder for the life of the process: the files are part of the installed portal.
const loaded = new Map<string, LoadedLibrary>();

/** The library of `dir`, read on first use; its problems are logged then, once each. */
export function runbookLibrary(dir: string, logger: LibraryLogger): LoadedLibrary {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const library = loadLibrary(dir);
  // One line per file: its first error's line, and every reason.
  const byFile = new Map<string, LibraryProblem[]>();
  for (const problem of library.problems) byFile.set(problem.file, [...(byFile.get(problem.file) ?? []), problem]);
  for (const [file, problems] of byFile)
    logger.warn(
      {
        file,
        line: problems[0]?.line ?? 0,
        reason: problems
          .map((problem) => (problem.line > 0 ? `line ${problem.line}: ${problem.message}` : problem.message))
          .join("; "),
        dir,
      },
      "a library runbook was left out: it is not valid",
    );
  logger.info({ dir, runbooks: library.runbooks.size, skipped: library.problems.length }, "runbook library loaded");
  loaded.set(dir, library);
  return library;
}
