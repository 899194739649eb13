// The baseline: the agent as it ran before the bundle (decision 028), i.e. the bin wrapper of
// commit 7599975 — a node process that runs src/cli.ts through tsx in a second node process and
// passes signals on. Kept here only so bench/agent-footprint can measure it.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "apps", "agent", "src", "cli.ts");
const child = spawn(process.execPath, ["--import", require.resolve("tsx"), entry, ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 1));
