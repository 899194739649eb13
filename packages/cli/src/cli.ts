// wheelhouse: the command line for a Wheelhouse portal. Started by bin/wheelhouse.mjs through tsx;
// the commands live in program.ts.
import { hostname } from "node:os";
import { runCli } from "./program";

// `wheelhouse apps list | head -1` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: () => process.stdin,
  hostname: hostname(),
});
