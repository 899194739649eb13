// image.remove-unused: free disk from images old releases left behind. Never forced: an image in
// `keep` (what current and rollback-able releases run) or used by any container, running or not, stays.
import type Docker from "dockerode";
import { engineMessage, engineStatus, unlessMissing } from "./docker-errors";

export interface CleanupResult {
  removed: string[];
  skipped: { image: string; reason: string }[];
}

const INSPECT_CONCURRENCY = 8;
const NAMES_IN_REASON = 3;

/** `work` over every item, at most `limit` at a time, results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function inspect(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  return unlessMissing(() => docker.getImage(ref).inspect());
}

/** Ids and repo digests of everything in keep, as written and as the engine resolves it. */
async function keptImages(docker: Docker, keep: string[]): Promise<{ ids: Set<string>; digests: Set<string> }> {
  const ids = new Set(keep);
  const digests = new Set(keep);
  for (const info of await mapLimit([...new Set(keep)], INSPECT_CONCURRENCY, (ref) => inspect(docker, ref))) {
    if (!info) continue;
    ids.add(info.Id);
    for (const digest of info.RepoDigests ?? []) digests.add(digest);
  }
  return { ids, digests };
}

/** Image id → "name (state)" of each container made from it. */
async function imageUsers(docker: Docker): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  for (const container of await docker.listContainers({ all: true })) {
    const name = container.Names[0]?.replace(/^\//, "") ?? container.Id.slice(0, 12);
    users.set(container.ImageID, [...(users.get(container.ImageID) ?? []), `${name} (${container.State})`]);
  }
  return users;
}

function usedReason(names: string[]): string {
  const shown = names.slice(0, NAMES_IN_REASON).join(", ");
  const more = names.length > NAMES_IN_REASON ? ` and ${names.length - NAMES_IN_REASON} more` : "";
  return `used by container ${shown}${more}`;
}

export async function removeUnusedImages(docker: Docker, candidates: string[], keep: string[]): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], skipped: [] };
  const unique = [...new Set(candidates)];
  if (unique.length === 0) return result;
  // Resolve every candidate before removing any: an id and a digest of one image both name it.
  const resolved = await mapLimit(unique, INSPECT_CONCURRENCY, (ref) => inspect(docker, ref));
  const kept = await keptImages(docker, keep);
  const users = await imageUsers(docker);
  const removedIds = new Set<string>();

  for (const [index, image] of unique.entries()) {
    const info = resolved[index];
    if (!info) {
      result.skipped.push({ image, reason: "not on this host" });
      continue;
    }
    if (
      kept.ids.has(image) ||
      kept.ids.has(info.Id) ||
      (info.RepoDigests ?? []).some((digest) => kept.digests.has(digest))
    ) {
      result.skipped.push({ image, reason: "kept: a release that must stay deployable runs it" });
      continue;
    }
    const using = users.get(info.Id);
    if (using) {
      result.skipped.push({ image, reason: usedReason(using) });
      continue;
    }
    if (!removedIds.has(info.Id)) {
      try {
        await docker.getImage(info.Id).remove();
      } catch (error) {
        // 404: gone meanwhile, which is what was asked. 409 (a container appeared, other tags, child
        // images) and anything else: left alone, in the engine's words.
        if (engineStatus(error) !== 404) {
          result.skipped.push({ image, reason: engineMessage(error) });
          continue;
        }
      }
      removedIds.add(info.Id);
    }
    result.removed.push(image);
  }
  return result;
}
