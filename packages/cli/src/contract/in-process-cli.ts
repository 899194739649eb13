// The set-up the in-process contract tests share: the node:http stand-in for the portal, a
// throw-away config home, the request log cleared before each test, and `run(argv)`, which runs the
// CLI's own entry (program.ts runCli) against them and collects what it prints and its exit code.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type Io, runCli } from "../program";
import { STAND_IN, type StandInPortal, startStandInPortal } from "./stand-in-portal";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessCli {
  /** The stand-in portal (available once the file's tests run). */
  portal(): StandInPortal;
  /** The config home the CLI writes to (XDG_CONFIG_HOME), removed after the file. */
  home(): string;
  /** `clock` replaces the fixed clock (STAND_IN.startedAt) and the real sleep, for commands that poll. */
  run(argv: string[], clock?: Partial<Pick<Io, "now" | "sleep">>): Promise<CliRun>;
}

/** Registers the hooks of one test file; `name` names its temporary folder. */
export function inProcessCli(name: string): InProcessCli {
  let portal: StandInPortal | undefined;
  let home: string | undefined;
  beforeAll(async () => {
    portal = await startStandInPortal();
    home = mkdtempSync(join(tmpdir(), `wheelhouse-${name}-contract-`));
  });
  afterAll(async () => {
    await portal?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });
  beforeEach(() => {
    if (portal) portal.requests.length = 0;
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started yet: use it inside a test`);
    return value;
  };
  return {
    portal: () => ready(portal, "stand-in portal"),
    home: () => ready(home, "config home"),
    async run(argv, clock = {}) {
      let stdout = "";
      let stderr = "";
      const code = await runCli({
        argv,
        env: {
          XDG_CONFIG_HOME: ready(home, "config home"),
          WHEELHOUSE_URL: ready(portal, "stand-in portal").url,
          WHEELHOUSE_TOKEN: STAND_IN.token,
        },
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        hostname: "test-box",
        now: () => new Date(STAND_IN.startedAt),
        ...clock,
      });
      return { code, stdout, stderr };
    },
  };
}
