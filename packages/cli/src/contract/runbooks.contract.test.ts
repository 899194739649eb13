// Contract test of `wheelhouse runbooks validate|list`: the CLI run in-process (program.ts runCli).
// validate is offline (real files in a temporary folder, no portal); list goes to the node:http
// stand-in for the portal's REST API (stand-in-portal.ts). The real portal is exercised by
// tests/integration/runbooks.int.test.ts, which runs the CLI's own process.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inProcessCli } from "./in-process-cli";
import { CANNED_RUNBOOKS } from "./stand-in-portal";

const GOOD = `id: disk-full
version: 1
title: Disk full
summary: The host's disk is full and writes fail.
steps:
  - id: disk
    title: Free space on /
    check: disk.space
    params: { path: / }
    expect: at least 10% free
    onFail: Remove old images and logs.
  - id: clean
    title: Clean up
    instructions: Remove what is no longer needed.
`;

// Line 9 names a check that does not exist.
const BROKEN = `id: broken-one
version: 1
title: Broken
summary: A check that does not exist.
steps:
  - id: first
    title: First
    instructions: Look.
  - id: second
    title: Second
    check: port.whatever
    expect: free
    onFail: stop it
`;

const cli = inProcessCli("runbooks");
const run = cli.run;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(cli.home(), "set-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("wheelhouse runbooks validate", () => {
  it("accepts a valid file and says so, exit 0, without asking the portal", async () => {
    const dir = folder({ "disk-full.yaml": GOOD });
    const result = await run(["runbooks", "validate", join(dir, "disk-full.yaml")]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe("1 runbook valid\n");
    expect(cli.portal().requests).toHaveLength(0);
  });

  it("names the file, the line and the reason of each error, exit 1", async () => {
    const dir = folder({ "broken.yaml": BROKEN, "disk-full.yaml": GOOD });
    const result = await run(["runbooks", "validate", dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^${escapeRegExp(join(dir, "broken.yaml"))}:11: steps\\.1\\.check: check must be one of: port\\.owner, `,
      ),
    );
    expect(result.stdout).not.toContain("disk-full.yaml");
    expect(result.stderr).toBe("wheelhouse: 1 of 2 runbooks not valid.\n");
  });

  it("reports YAML syntax errors with their line", async () => {
    const dir = folder({ "syntax.yml": "id: x-y-z\nversion: 1\ntitle: [unclosed\nsummary: s\n" });
    const result = await run(["runbooks", "validate", dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/syntax\.yml:\d+: /);
  });

  it("refuses two files with one id, naming the first", async () => {
    const dir = folder({ "a.yaml": GOOD, "b.yaml": GOOD });
    const result = await run(["runbooks", "validate", dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${join(dir, "b.yaml")}:1: id "disk-full" is already used by a.yaml.\n`);
  });

  it("counts every runbook of a valid folder, ignoring other files and subfolders", async () => {
    const dir = folder({
      "one.yaml": GOOD,
      "two.yml": GOOD.replace("id: disk-full", "id: disk-full-2"),
      "notes.md": "#",
    });
    mkdirSync(join(dir, "drafts"));
    writeFileSync(join(dir, "drafts", "bad.yaml"), BROKEN);
    const result = await run(["runbooks", "validate", dir]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toBe("2 runbooks valid\n");
  });

  it("--json prints every file with its id and errors", async () => {
    const dir = folder({ "broken.yaml": BROKEN, "disk-full.yaml": GOOD });
    const result = await run(["runbooks", "validate", dir, "--json"]);
    expect(result.code).toBe(1);
    const printed = JSON.parse(result.stdout) as {
      ok: boolean;
      files: { file: string; id: string | null; errors: unknown[] }[];
    };
    expect(printed.ok).toBe(false);
    expect(printed.files).toEqual([
      { file: join(dir, "broken.yaml"), id: null, errors: [expect.objectContaining({ line: 11 })] },
      { file: join(dir, "disk-full.yaml"), id: "disk-full", errors: [] },
    ]);
  });

  it("is a usage error (exit 2) for a path that does not exist or a folder without runbooks", async () => {
    const missing = await run(["runbooks", "validate", join(cli.home(), "nowhere")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere: no such file or folder/);
    const empty = await run(["runbooks", "validate", folder({ "readme.md": "x" })]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/has no \*\.yaml or \*\.yml files/);
  });
});

describe("wheelhouse runbooks list", () => {
  it("shows id, version, origin (a team runbook replacing a library one says so), steps and title", async () => {
    const result = await run(["runbooks", "list"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID\s+VERSION\s+ORIGIN\s+STEPS\s+TITLE$/);
    expect(lines[1]).toMatch(/^port-conflict\s+1\s+library\s+3 \(2 automatic\)\s+Port already in use$/);
    expect(lines[2]).toMatch(
      /^health-check-failure\s+4\s+team \(replaces library\)\s+5 \(3 automatic\)\s+Health check failing$/,
    );
    expect(cli.portal().requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v1/runbooks",
    ]);
  });

  it("--json prints the array as the portal sent it", async () => {
    const result = await run(["runbooks", "list", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(CANNED_RUNBOOKS);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
