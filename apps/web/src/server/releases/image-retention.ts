// Which images may go once a deployment is live. An app keeps its last KEEP_RELEASES releases (so
// a rollback to any of them needs no pull) plus whatever is live or being deployed; an image that
// any kept release of any app points to is never a candidate, even if an old release shares it.

/** Releases per app whose images stay on their hosts. */
export const KEEP_RELEASES = 5;

export interface RetainedRelease {
  appId: string;
  number: number;
  imageDigest: string;
  /** Live, or the target of a deployment that has not finished. */
  inUse: boolean;
}

export interface CleanupPlan {
  candidates: string[];
  keep: string[];
}

export function planImageCleanup(releases: RetainedRelease[], keepPerApp = KEEP_RELEASES): CleanupPlan {
  const byApp = new Map<string, RetainedRelease[]>();
  for (const release of releases) byApp.set(release.appId, [...(byApp.get(release.appId) ?? []), release]);
  const keep = new Set<string>();
  const old = new Set<string>();
  for (const list of byApp.values()) {
    const newestFirst = [...list].sort((a, b) => b.number - a.number);
    newestFirst.forEach((release, index) => {
      if (index < keepPerApp || release.inUse) keep.add(release.imageDigest);
      else old.add(release.imageDigest);
    });
  }
  return { candidates: [...old].filter((digest) => !keep.has(digest)).sort(), keep: [...keep].sort() };
}
