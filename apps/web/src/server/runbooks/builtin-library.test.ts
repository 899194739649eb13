// The built-in library (runbooks/ at the repository root, what RUNBOOKS_DIR defaults to) is valid:
// every file parses, ids are unique, and a failure names the file, the line and the reason.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/env";
import { loadLibrary } from "./runbook-library";

describe("the built-in runbook library", () => {
  const { runbooksDir } = parseConfig({});
  const library = loadLibrary(runbooksDir);

  it("has no invalid file", () => {
    const problems = library.problems.map((problem) => `${problem.file}:${problem.line}: ${problem.message}`);
    expect(problems, `runbooks in ${runbooksDir} that do not validate`).toEqual([]);
  });

  it("holds a runbook for each troubleshooting section of the guides (issue 13 asks for at least 24)", () => {
    expect(library.runbooks.size).toBeGreaterThanOrEqual(24);
  });
});
