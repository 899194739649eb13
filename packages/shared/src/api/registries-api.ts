// Shapes of the team's registry logins over the API (tRPC, REST /api/v1/registries, the CLI). A
// login is written once with its password and read back without it: no answer carries the password,
// sealed or not.
import { z } from "zod";
import { DOCKER_HUB } from "../apps/image-reference";

/** One DNS label or an IPv4 octet run; the host part of host[:port]. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function isRegistryHost(value: string): boolean {
  const colon = value.lastIndexOf(":");
  const name = colon >= 0 ? value.slice(0, colon) : value;
  const port = colon >= 0 ? value.slice(colon + 1) : null;
  if (!HOST_NAME.test(name)) return false;
  if (port !== null && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) return false;
  return name.includes(".") || name === "localhost" || port !== null;
}

/** Docker Hub's other names, as registryOf reads them. */
function dockerHubAsNamed(value: string): string {
  return value === "index.docker.io" || value === "registry-1.docker.io" ? DOCKER_HUB : value;
}

/** A path segment arrives as sent: `127.0.0.1%3A5000` when the client encoded the colon. */
function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // Not valid percent-encoding: left as typed, and the host rule below refuses it.
    return value;
  }
}

const REGISTRY_HOST_MESSAGE =
  "A registry host is host[:port] as image references name it, e.g. ghcr.io, registry.example.com:5000 or docker.io (no https://, no path).";

function registryHost(decode: boolean) {
  const base = z.string().max(260, "A registry host is at most 260 characters.");
  return (decode ? base.overwrite(percentDecoded) : base)
    .trim()
    .toLowerCase()
    .overwrite(dockerHubAsNamed)
    .refine(isRegistryHost, REGISTRY_HOST_MESSAGE);
}

/**
 * A registry as image references name it: `ghcr.io`, `registry.example.com:5000`, `127.0.0.1:5000`,
 * `localhost:5000`, or `docker.io` for Docker Hub. Lower case, no scheme, no path. The same rule as
 * `registryOf` in image-reference.ts: only a host with a "." or a port, or "localhost", is a registry
 * (a bare word like "myregistry" would be read as a Docker Hub repository).
 */
export const registryHostSchema = registryHost(false);

export const registryUsernameSchema = z
  .string()
  .trim()
  .min(1, "Enter the registry user name.")
  .max(200, "A registry user name is at most 200 characters.")
  .refine((value) => !/[\s:]/.test(value), "A registry user name has no spaces or colons.");

/** Not trimmed: a token may well end in a character that looks like space to no one but the registry. */
export const registryPasswordSchema = z
  .string()
  .min(1, "Enter the registry password or access token.")
  .max(4_096, "A registry password or token is at most 4096 characters.");

export const addRegistryLoginInputSchema = z
  .object({ host: registryHostSchema, username: registryUsernameSchema, password: registryPasswordSchema })
  .strict();
export type AddRegistryLoginInput = z.input<typeof addRegistryLoginInputSchema>;

/**
 * DELETE /registries/{host}: the host in the path, its colon sent as is or as %3A (the REST adapter
 * hands path segments over undecoded).
 */
export const registryHostRefSchema = z.object({ host: registryHost(true) }).strict();

export const registryLoginSummarySchema = z.object({
  host: z.string(),
  username: z.string(),
  /** Who added (or last replaced) it; null once that user is gone. */
  createdBy: z.string().nullable(),
  /** When it was added or last replaced (ISO 8601). */
  createdAt: z.string(),
});
export type RegistryLoginSummary = z.infer<typeof registryLoginSummarySchema>;

export const registryLoginsAnswerSchema = z.object({ logins: z.array(registryLoginSummarySchema) });

export const addedRegistryLoginSchema = z.object({
  login: registryLoginSummarySchema,
  /** True when the team already had a login for this host and this one took its place. */
  replaced: z.boolean(),
});

export const removedRegistryLoginSchema = z.object({ host: z.string(), removed: z.literal(true) });
