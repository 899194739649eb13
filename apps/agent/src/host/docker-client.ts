// The Docker engine, through its API socket (dockerode): never the docker CLI.
import Docker from "dockerode";

// No client-wide timeout: the event stream stays open for hours and `stop` may take its whole grace
// period. Quick questions get their own bound (dockerStatus).
export function createDockerClient(socketPath: string): Docker {
  return new Docker({ socketPath });
}

const STATUS_TIMEOUT_MS = 5_000;

/** The engine's version, or its error in words when it does not answer (within 5 s). */
export async function dockerStatus(docker: Docker): Promise<{ version: string | null; error: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STATUS_TIMEOUT_MS / 1000} s`)), STATUS_TIMEOUT_MS);
    });
    const info = await Promise.race([docker.version(), timeout]);
    return { version: info.Version, error: null };
  } catch (error) {
    return { version: null, error: `Docker engine unreachable: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
