// What image.resolve does for a reference under a pull policy, decided without the engine so the
// rules can be read (and tested) in one place. The policies are PULL_POLICIES' in
// packages/shared/src/apps/app-fields.ts.
import {
  digestPart,
  isDigest,
  ownRepoDigest,
  type PullPolicy,
  parseImageReference,
  repositoryOf,
} from "@wheelhouse/shared";

/**
 * use-local: take the local image as it is; pull: fetch it now; ask-registry: compare the tag's
 * current digest with the local one first; refuse: fail with `reason`.
 */
export type ResolvePlan =
  | { kind: "use-local" }
  | { kind: "pull" }
  | { kind: "ask-registry" }
  | { kind: "refuse"; reason: string };

export function planResolve(ref: string, policy: PullPolicy, localExists: boolean): ResolvePlan {
  if (isDigest(ref)) {
    return localExists
      ? { kind: "use-local" }
      : { kind: "refuse", reason: `image ${ref} is not on this host, and an image id cannot be pulled` };
  }
  if (policy === "never") {
    return localExists
      ? { kind: "use-local" }
      : {
          kind: "refuse",
          reason: `${ref} is not on this host, and the app's pull policy is "never" (local images only), so it is not pulled`,
        };
  }
  // A digest names one image for good: the local copy is it, whatever the registry holds now.
  if (policy === "if-not-present" || parseImageReference(ref)?.digest) {
    return localExists ? { kind: "use-local" } : { kind: "pull" };
  }
  // Asked even when the image is missing: the registry's answer to that question is its clearest
  // refusal ("no basic auth credentials", "manifest unknown"), and a pull follows only a digest.
  return { kind: "ask-registry" };
}

/** Under `always`: pull when the local image has no digest in the reference's repository, or another one. */
export function isStale(ref: string, localRepoDigests: readonly string[], remoteDigest: string): boolean {
  return !localRepoDigests.some(
    (candidate) => sameRepository(candidate, ref) && digestPart(candidate) === remoteDigest,
  );
}

function sameRepository(repoDigest: string, ref: string): boolean {
  const at = repoDigest.lastIndexOf("@");
  return at >= 0 && repositoryOf(repoDigest.slice(0, at)) === repositoryOf(ref);
}

/**
 * The digest a release records: of the local image's RepoDigests, the one in `ref`'s own repository
 * (the pinned or `preferred` digest when the image has several there), else null. Never another
 * repository's: a rollback would pull from a repository the app never named.
 */
export function pickRepoDigest(ref: string, repoDigests: readonly string[], preferred?: string): string | null {
  const wanted = parseImageReference(ref)?.digest ?? preferred;
  if (wanted) {
    const exact = repoDigests.find((candidate) => sameRepository(candidate, ref) && digestPart(candidate) === wanted);
    if (exact) return exact;
  }
  return ownRepoDigest(ref, repoDigests);
}

/**
 * Said when the registry could not be asked about an image that exists here but was never pulled
 * from or pushed to its repository: most likely an image built on this host, which `always` cannot
 * check against any registry.
 */
export function localOnlyHint(ref: string, localRepoDigests: readonly string[] | undefined): string | null {
  if (localRepoDigests === undefined) return null;
  if (ownRepoDigest(ref, localRepoDigests) !== null) return null;
  return `${ref} exists on this host but was never pulled from or pushed to a registry: for an image built on the host, set the app's pull policy to "never" (local images only).`;
}
