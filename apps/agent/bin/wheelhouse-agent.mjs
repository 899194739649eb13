#!/usr/bin/env node
// Runs the agent's TypeScript entry through tsx (see docs/decisions/001-one-portal-process.md).
// The agent is a child process: signals sent to this wrapper are passed on, so `kill <pid>` of
// what a script or service manager started stops the agent too instead of orphaning it.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli.ts");
const tsx = require.resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, entry, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  // Ended by a signal: report it the shell's way (128 + its number).
  process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
});
