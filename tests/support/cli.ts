// The `wheelhouse` CLI as a person runs it: its own process, a home directory of the test's own
// (where it stores credentials), and no environment beyond PATH and what the test passes.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./portal.ts";

export const cliBin = join(repoRoot, "packages", "cli", "bin", "wheelhouse.mjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with `home` as HOME; resolves once it exited and its output is read. `input` is what
 * it reads on standard input (`--password-stdin`); nothing by default.
 */
export function runCli(home: string, args: string[], env: Record<string, string> = {}, input = ""): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}
