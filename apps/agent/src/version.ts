import { readFileSync } from "node:fs";

// Set by the bundle build (scripts/agent/bundle.ts, esbuild `define`): the bundle has no package.json beside it.
declare const WHEELHOUSE_AGENT_BUNDLE_VERSION: string | undefined;

export const AGENT_VERSION: string =
  typeof WHEELHOUSE_AGENT_BUNDLE_VERSION === "string"
    ? WHEELHOUSE_AGENT_BUNDLE_VERSION
    : (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
