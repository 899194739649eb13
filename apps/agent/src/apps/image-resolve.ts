// image.resolve: make sure an image is on this host as the app's pull policy says (pull-plan.ts),
// and name what a release will run: the digest in the reference's own repository, else the image id.
// image.remote-digest: the digest a tag points at in its registry now, without pulling.
import type { PullPolicy, RegistryLogin } from "@wheelhouse/shared";
import { parseImageReference } from "@wheelhouse/shared";
import type Docker from "dockerode";
import { engineMessage, unlessMissing } from "./docker-errors";
import { isStale, localOnlyHint, pickRepoDigest, planResolve } from "./pull-plan";
import { pullImage, RegistryError, remoteDigest, withoutPassword } from "./registry-calls";

export interface ResolvedImage {
  /** The local image id (sha256:…). */
  imageId: string;
  /** The digest in the reference's own repository (repo@sha256:…), or null when it has none there. */
  repoDigest: string | null;
  pulled: boolean;
  source: "pulled" | "up-to-date" | "local";
}

export interface ResolveRequest {
  ref: string;
  pullPolicy: PullPolicy;
  /** For this pull or registry question only. */
  login?: RegistryLogin;
}

async function inspectLocal(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await unlessMissing(() => docker.getImage(ref).inspect());
  } catch (error) {
    throw new Error(`looking up ${ref} failed: ${engineMessage(error)}`);
  }
}

function toResolved(
  ref: string,
  info: Docker.ImageInspectInfo,
  source: ResolvedImage["source"],
  preferred?: string,
): ResolvedImage {
  return {
    imageId: info.Id,
    repoDigest: pickRepoDigest(ref, info.RepoDigests ?? [], preferred),
    pulled: source === "pulled",
    source,
  };
}

async function pullAndInspect(docker: Docker, ref: string, login: RegistryLogin | undefined, preferred?: string) {
  await pullImage(docker, ref, login);
  const pulled = await inspectLocal(docker, ref);
  if (!pulled) throw new Error(`pulling ${ref} finished, but the engine does not know the image afterwards`);
  return toResolved(ref, pulled, "pulled", preferred);
}

async function resolve(docker: Docker, { ref, pullPolicy, login }: ResolveRequest): Promise<ResolvedImage> {
  const local = await inspectLocal(docker, ref);
  const plan = planResolve(ref, pullPolicy, local !== undefined);
  if (plan.kind === "refuse") throw new Error(plan.reason);
  if (plan.kind === "use-local" && local) return toResolved(ref, local, "local");
  if (plan.kind === "pull") return pullAndInspect(docker, ref, login);

  let current: string;
  try {
    current = await remoteDigest(docker, ref, login);
  } catch (error) {
    const hint = error instanceof RegistryError ? localOnlyHint(ref, local?.RepoDigests) : null;
    throw hint ? new Error(`${(error as Error).message} ${hint}`) : error;
  }
  if (local && !isStale(ref, local.RepoDigests ?? [], current)) return toResolved(ref, local, "up-to-date", current);
  return pullAndInspect(docker, ref, login, current);
}

export async function resolveImage(docker: Docker, request: ResolveRequest): Promise<ResolvedImage> {
  try {
    return await resolve(docker, request);
  } catch (error) {
    // Whatever failed, the message goes to the portal's deployment log: never with the password in it.
    throw new Error(withoutPassword((error as Error).message, request.login));
  }
}

/** The digest (sha256:…) `ref`'s tag points at now; a reference by digest answers its own. */
export async function remoteDigestOf(
  docker: Docker,
  { ref, login }: { ref: string; login?: RegistryLogin },
): Promise<{ digest: string }> {
  const parsed = parseImageReference(ref);
  if (!parsed) throw new Error(`${ref} is an image id, which no registry knows`);
  if (parsed.digest) return { digest: parsed.digest };
  try {
    return { digest: await remoteDigest(docker, ref, login) };
  } catch (error) {
    throw new Error(withoutPassword((error as Error).message, login));
  }
}
