#!/usr/bin/env node
// The agent's command in a checkout. Runs the bundle that `npm run build` made (apps/agent/dist,
// decision 028) in this same process: what ships is what runs. A checkout that was never built
// (docker/agent.Dockerfile installs without building) runs the TypeScript through tsx instead, as
// a child process to which signals sent to this wrapper are passed on, so `kill <pid>` of what a
// script or service manager started stops the agent too instead of orphaning it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const agentDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(agentDir, "dist", "wheelhouse-agent", "wheelhouse-agent.mjs");

if (existsSync(bundle)) {
  await import(pathToFileURL(bundle).href);
} else {
  const require = createRequire(import.meta.url);
  const entry = join(agentDir, "src", "cli.ts");
  const child = spawn(process.execPath, ["--import", require.resolve("tsx"), entry, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    // Ended by a signal: report it the shell's way (128 + its number).
    process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
  });
}
