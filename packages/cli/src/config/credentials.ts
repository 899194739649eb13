// Where the CLI keeps the portal's address and its API key, and which one wins: a flag, then
// WHEELHOUSE_URL / WHEELHOUSE_TOKEN, then credentials.json written by `wheelhouse login`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { NotLoggedInError } from "../errors";
import { DEFAULT_PORTAL_URL, type Environment } from "./environment";

export const storedCredentialsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1),
});
export type StoredCredentials = z.infer<typeof storedCredentialsSchema>;

export type TokenSource = "WHEELHOUSE_TOKEN" | "credentials file" | "--token";

export interface Credentials {
  url: string;
  token: string;
  tokenSource: TokenSource;
}

export function credentialsPath(configDir: string): string {
  return join(configDir, "credentials.json");
}

/** The stored credentials, or null when there are none. A damaged file is an error, not "none". */
export function readStoredCredentials(configDir: string): StoredCredentials | null {
  const path = credentialsPath(configDir);
  if (!existsSync(path)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new NotLoggedInError(`${path} is not valid JSON; log in again with: wheelhouse login.`);
  }
  const parsed = storedCredentialsSchema.safeParse(json);
  if (!parsed.success) {
    throw new NotLoggedInError(`${path} is damaged; log in again with: wheelhouse login.`);
  }
  return parsed.data;
}

/** True when someone other than the owner may read the file (e.g. it was copied with cp). */
export function isReadableByOthers(configDir: string): boolean {
  const path = credentialsPath(configDir);
  return existsSync(path) && (statSync(path).mode & 0o077) !== 0;
}

/**
 * Writes atomically with mode 0600 in a 0700 directory: the key never sits in a file others can
 * read, and an interrupted write leaves the previous file whole.
 */
export function writeStoredCredentials(configDir: string, credentials: StoredCredentials): string {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  chmodSync(configDir, 0o700);
  const path = credentialsPath(configDir);
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    // "wx" refuses to follow a planted file or symlink at the temporary name.
    writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return path;
}

/** Removes the file; false when there was none. */
export function deleteStoredCredentials(configDir: string): boolean {
  const path = credentialsPath(configDir);
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

/** The portal address to use: WHEELHOUSE_URL, then the stored one, then the default. */
export function resolvePortalUrl(environment: Environment, stored: StoredCredentials | null): string {
  return environment.url ?? stored?.url ?? DEFAULT_PORTAL_URL;
}

/** The address and key every command but login uses; throws NotLoggedInError when there is no key. */
export function resolveCredentials(environment: Environment, stored: StoredCredentials | null): Credentials {
  const url = resolvePortalUrl(environment, stored);
  if (environment.token) return { url, token: environment.token, tokenSource: "WHEELHOUSE_TOKEN" };
  // A stored key belongs to the portal it was made on: never send it to another address.
  if (stored && stored.url !== url) {
    throw new NotLoggedInError(
      `The stored key belongs to ${stored.url}, not ${url}: set WHEELHOUSE_TOKEN as well, or run wheelhouse login --url ${url}.`,
    );
  }
  if (stored) return { url, token: stored.token, tokenSource: "credentials file" };
  throw new NotLoggedInError(
    "Not logged in: run wheelhouse login --url URL --token KEY (or --email and --password), or set WHEELHOUSE_TOKEN.",
  );
}
