// The library loader on real files in a temporary folder: valid runbooks are kept, a broken one is
// left out and logged once with its file, line and reason, and the portal does not stop.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadLibrary, runbookLibrary } from "./runbook-library";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function runbookText(id: string, extra = ""): string {
  return `id: ${id}
version: 3
title: Title of ${id}
summary: What ${id} is for.
${extra}steps:
  - id: look
    title: Look around
    instructions: Read the logs.
`;
}

function libraryDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "wh-library-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function recordingLogger() {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  return {
    warnings,
    warn: (fields: Record<string, unknown>, message: string) => {
      warnings.push({ fields, message });
    },
    info: () => undefined,
  };
}

describe("loadLibrary", () => {
  it("keeps each valid runbook by its id, with its file and source", () => {
    const dir = libraryDir({ "b.yaml": runbookText("beta-one"), "a.yml": runbookText("alpha-one"), "notes.md": "#" });
    const library = loadLibrary(dir);
    expect(library.problems).toEqual([]);
    expect([...library.runbooks.keys()]).toEqual(["alpha-one", "beta-one"]);
    expect(library.runbooks.get("beta-one")).toMatchObject({ file: "b.yaml", definition: { version: 3 } });
    expect(library.runbooks.get("beta-one")?.source).toBe(runbookText("beta-one"));
  });

  it("leaves out a broken file and a second file with a taken id, saying where and why", () => {
    const broken = runbookText("gamma-one").replace("title: Look around\n", "title: Look around\n    auto: true\n");
    const dir = libraryDir({
      "a.yaml": runbookText("alpha-one"),
      "b.yaml": broken,
      "c.yaml": runbookText("alpha-one"),
    });
    const library = loadLibrary(dir);
    expect([...library.runbooks.keys()]).toEqual(["alpha-one"]);
    expect(library.problems).toEqual([
      {
        file: "b.yaml",
        line: 8,
        message: "steps.0.auto: auto belongs to an automatic step; add check: to make it one.",
      },
      { file: "c.yaml", line: 1, message: 'id "alpha-one" is already used by a.yaml.' },
    ]);
  });

  it("answers an empty library with a problem when the folder is missing", () => {
    const library = loadLibrary(join(tmpdir(), "wh-no-such-library-folder"));
    expect(library.runbooks.size).toBe(0);
    expect(library.problems[0]?.message).toMatch(/the folder cannot be read/);
  });
});

describe("runbookLibrary", () => {
  it("reads a folder once and logs each problem once, however often it is asked", () => {
    const dir = libraryDir({ "a.yaml": runbookText("alpha-one"), "b.yaml": "id: [" });
    const logger = recordingLogger();
    const first = runbookLibrary(dir, logger);
    const second = runbookLibrary(dir, logger);
    expect(second).toBe(first);
    expect(first.runbooks.size).toBe(1);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.fields).toMatchObject({ file: "b.yaml", line: 1 });
    expect(String(logger.warnings[0]?.fields.reason)).not.toBe("");
  });
});
