// Reading an image reference the way the Docker engine does, so the portal and the agent agree on
// which registry a reference names (to pick the team's login), which repository a digest belongs to
// (a release records its own repository's digest, not whichever one the engine lists first) and
// which apps a registry's push notification is about.
//
// The rules are the distribution reference rules: the first path component is a registry when it
// contains "." or ":" or is "localhost"; otherwise the image lives on Docker Hub ("docker.io"), where
// a one-component path means "library/<name>".

export const DOCKER_HUB = "docker.io";
/** The server address the engine expects in X-Registry-Auth for Docker Hub. */
const DOCKER_HUB_LOGIN_SERVER = "https://index.docker.io/v1/";

export interface ImageReference {
  /** host[:port], or "docker.io" when the reference names none. */
  registry: string;
  /** The path inside the registry, normalised: "library/nginx" for "nginx". */
  path: string;
  /** Null when the reference has none; a pull then means "latest". */
  tag: string | null;
  /** "sha256:<64 hex>" when the reference pins one. */
  digest: string | null;
}

/** A content digest, and also the form of a local image id: "sha256:<64 hex>". */
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Whether `value` is a bare digest or image id (sha256:<64 hex>), not a reference. */
export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

function isRegistryComponent(component: string): boolean {
  return component.includes(".") || component.includes(":") || component === "localhost";
}

/** Null for a bare image id (sha256:…), which names no repository. */
export function parseImageReference(ref: string): ImageReference | null {
  const value = ref.trim();
  if (isDigest(value)) return null;
  let rest = value;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) return null;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (rest === "") return null;
  const components = rest.split("/");
  let registry = DOCKER_HUB;
  const first = components[0] ?? "";
  if (components.length > 1 && isRegistryComponent(first)) {
    registry = first;
    components.shift();
  }
  if (registry === "index.docker.io" || registry === "registry-1.docker.io") registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && components.length === 1) components.unshift("library");
  return { registry, path: components.join("/"), tag, digest };
}

/** "registry/path", normalised, or null for an image id: two spellings of one repository compare equal. */
export function repositoryOf(ref: string): string | null {
  const parsed = parseImageReference(ref);
  return parsed ? `${parsed.registry}/${parsed.path}` : null;
}

/** The tag a pull of this reference means: its own, else "latest"; null when it pins a digest only. */
export function effectiveTag(ref: ImageReference): string | null {
  if (ref.tag) return ref.tag;
  return ref.digest ? null : "latest";
}

/** The registry host whose login a pull of `ref` needs; null for an image id. */
export function registryOf(ref: string): string | null {
  return parseImageReference(ref)?.registry ?? null;
}

/** What the engine wants as `serveraddress` for a login to `registry`. */
export function loginServerAddress(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_LOGIN_SERVER : registry;
}

/** The "sha256:…" part of a repo digest (repo@sha256:…) or an image id; the input when it has none. */
export function digestPart(value: string): string {
  const at = value.lastIndexOf("@");
  return at >= 0 ? value.slice(at + 1) : value;
}

/**
 * Of the engine's RepoDigests for a local image, the one in `ref`'s own repository, or null when the
 * image was never pulled from or pushed to that repository.
 */
export function ownRepoDigest(ref: string, repoDigests: readonly string[]): string | null {
  const own = repositoryOf(ref);
  if (!own) return null;
  for (const candidate of repoDigests) {
    const at = candidate.lastIndexOf("@");
    if (at < 0) continue;
    if (repositoryOf(candidate.slice(0, at)) === own) return candidate;
  }
  return null;
}
