// What every command gets: the environment read at start-up, where to write, the clock, and a way
// to reach the portal with the resolved address and key.
import { ApiClient } from "./api/api-client";
import { credentialsPath, isReadableByOthers, readStoredCredentials, resolveCredentials } from "./config/credentials";
import type { Environment } from "./config/environment";
import type { Terminal } from "./output/terminal";

export interface Context {
  environment: Environment;
  terminal: Terminal;
  hostname: string;
  now(): Date;
  sleep(milliseconds: number): Promise<void>;
  /** Standard input, read to the end (`--password-stdin`); "" when there is none. */
  stdin: StdinReader;
}

export interface StdinReader {
  /** Whether a person types it (a terminal) rather than a pipe. */
  isTTY(): boolean;
  /** Reads to the end; refuses more than `maxBytes`. */
  readAll(maxBytes: number): Promise<string>;
}

/** A client with the address and key from WHEELHOUSE_URL/WHEELHOUSE_TOKEN or credentials.json. */
export function connect(context: Context): ApiClient {
  const { configDir } = context.environment;
  const stored = readStoredCredentials(configDir);
  const credentials = resolveCredentials(context.environment, stored);
  if (credentials.tokenSource === "credentials file" && isReadableByOthers(configDir)) {
    const path = credentialsPath(configDir);
    context.terminal.err(`warning: ${path} is readable by other users; fix it with: chmod 600 ${path}\n`);
  }
  return new ApiClient(credentials);
}
