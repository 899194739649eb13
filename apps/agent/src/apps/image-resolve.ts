// image.resolve: make sure an image is on this host and name what a release will run. A local image
// is used as it is; a missing one is pulled through the engine (which holds any registry login).
import type Docker from "dockerode";
import { engineMessage, unlessMissing } from "./docker-errors";

export interface ResolvedImage {
  /** The local image id (sha256:…). */
  imageId: string;
  /** The registry digest (name@sha256:…) when the image came from a registry, else null. */
  repoDigest: string | null;
  pulled: boolean;
}

const IMAGE_ID = /^sha256:[a-f0-9]{64}$/;

/** One line of the engine's pull progress stream; a failure mid-stream arrives as `error`, not as a status. */
interface PullProgress {
  error?: string;
  errorDetail?: { message?: string };
}

/** Follows the pull's progress stream to its end; rejects with the registry's words when a line says it failed. */
function followPull(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error) => {
        if (error) reject(new Error(engineMessage(error)));
        else if (failure !== undefined) reject(new Error(failure));
        else resolve();
      },
      (progress: PullProgress) => {
        const message = progress.errorDetail?.message ?? progress.error;
        if (message && failure === undefined) failure = message.trim();
      },
    );
  });
}

function toResolved(info: Docker.ImageInspectInfo, pulled: boolean): ResolvedImage {
  return { imageId: info.Id, repoDigest: info.RepoDigests?.[0] ?? null, pulled };
}

export async function resolveImage(docker: Docker, ref: string): Promise<ResolvedImage> {
  let local: Docker.ImageInspectInfo | undefined;
  try {
    local = await unlessMissing(() => docker.getImage(ref).inspect());
  } catch (error) {
    throw new Error(`looking up ${ref} failed: ${engineMessage(error)}`);
  }
  if (local) return toResolved(local, false);
  if (IMAGE_ID.test(ref)) throw new Error(`image ${ref} is not on this host, and an image id cannot be pulled`);

  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(ref);
  } catch (error) {
    throw new Error(`pulling ${ref} failed: ${engineMessage(error)}`);
  }
  try {
    await followPull(docker, stream);
  } catch (error) {
    throw new Error(`pulling ${ref} failed: ${(error as Error).message}`);
  }
  const pulled = await unlessMissing(() => docker.getImage(ref).inspect());
  if (!pulled) throw new Error(`pulling ${ref} finished, but the engine does not know the image afterwards`);
  return toResolved(pulled, true);
}
