// The install script as served: apps/agent/install/agent.sh with the portal's address written in,
// quoted for sh. Which address: PUBLIC_URL when the request came in under its host, else the
// request's own origin (as the browser gate's Origin rule accepts both), so a host that reached the
// portal at an address enrols against that address. A Host header that is not a plain host[:port]
// is ignored: it could not be an address the host reached anyway.
import { readFile } from "node:fs/promises";

/** The line in agent.sh that the portal replaces (the script refuses to run with it unreplaced, unless given --portal). */
export const PORTAL_URL_PLACEHOLDER = "'@@WHEELHOUSE_PORTAL_URL@@'";

const PLAIN_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** One sh word that means exactly `value`: single quotes, each ' written as '\''. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function scriptPortalUrl(publicUrl: string, hostHeader: string | undefined, encrypted: boolean): string {
  const configured = new URL(publicUrl);
  if (hostHeader === undefined || hostHeader === configured.host || !PLAIN_HOST.test(hostHeader)) {
    return configured.origin;
  }
  try {
    return new URL(`${encrypted ? "https" : "http"}://${hostHeader}`).origin;
  } catch {
    return configured.origin;
  }
}

export function templateScript(script: string, portalUrl: string): string {
  if (!script.includes(PORTAL_URL_PLACEHOLDER)) {
    throw new Error(`the install script lacks its placeholder ${PORTAL_URL_PLACEHOLDER}`);
  }
  return script.replace(PORTAL_URL_PLACEHOLDER, () => shQuote(portalUrl));
}

export async function readInstallScript(path: URL, portalUrl: string): Promise<string> {
  return templateScript(await readFile(path, "utf8"), portalUrl);
}
