// The CLI's settings from environment variables, read once at start-up. Nothing else reads
// process.env: commands receive the parsed result.
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { UsageError } from "../errors";

export const DEFAULT_PORTAL_URL = "http://localhost:3000";

export const ENVIRONMENT_HELP = [
  ["WHEELHOUSE_URL", "The portal's address; overrides the one stored by `wheelhouse login`."],
  ["WHEELHOUSE_TOKEN", "An API key; overrides the one stored by `wheelhouse login` (for CI)."],
  ["XDG_CONFIG_HOME", "Credentials live in $XDG_CONFIG_HOME/wheelhouse/credentials.json (default ~/.config)."],
  ["NO_COLOR", "Set to anything to turn colours off (they are already off when output is not a terminal)."],
] as const;

export interface Environment {
  /** WHEELHOUSE_URL, normalised; undefined when unset or empty. */
  url: string | undefined;
  /** WHEELHOUSE_TOKEN; undefined when unset or empty. */
  token: string | undefined;
  /** The directory that holds credentials.json. */
  configDir: string;
  noColor: boolean;
}

type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * A portal address as typed: http(s) only, without a trailing slash, so `${url}/api/v1` is right.
 * `source` names where the value came from, for the sentence shown when it is wrong.
 */
export function normalisePortalUrl(text: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(
      `${source} "${text}" is not a URL; use the portal's address, e.g. https://wheelhouse.example.com.`,
    );
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`${source} "${text}" must start with http:// or https://.`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new UsageError(`${source} "${text}" should be just the portal's address, without user, query or fragment.`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

/** The XDG base directory rule: XDG_CONFIG_HOME when absolute, else ~/.config. */
export function configDirectory(env: EnvironmentVariables): string {
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const base = xdg && isAbsolute(xdg) ? xdg : join(nonEmpty(env.HOME) ?? homedir(), ".config");
  return join(base, "wheelhouse");
}

export function readEnvironment(env: EnvironmentVariables): Environment {
  const url = nonEmpty(env.WHEELHOUSE_URL);
  return {
    url: url === undefined ? undefined : normalisePortalUrl(url, "WHEELHOUSE_URL"),
    token: nonEmpty(env.WHEELHOUSE_TOKEN),
    configDir: configDirectory(env),
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== "",
  };
}
