// The Docker engine, through its API socket (dockerode): never the docker CLI.
import Docker from "dockerode";

export function createDockerClient(socketPath: string): Docker {
  return new Docker({ socketPath, timeout: 10_000 });
}

/** The engine's version, or its error in words when it does not answer. */
export async function dockerStatus(docker: Docker): Promise<{ version: string | null; error: string | null }> {
  try {
    const info = await docker.version();
    return { version: info.Version, error: null };
  } catch (error) {
    return { version: null, error: `Docker engine unreachable: ${(error as Error).message}` };
  }
}
