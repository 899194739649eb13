#!/usr/bin/env node
// Runs the CLI's TypeScript entry through tsx (see docs/decisions/001-one-portal-process.md).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const entry = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli.ts");
const tsx = require.resolve("tsx");
const result = spawnSync(process.execPath, ["--import", tsx, entry, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
