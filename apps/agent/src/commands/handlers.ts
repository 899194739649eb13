// What this agent can do for the portal: one handler per command in packages/shared's COMMANDS.
import type Docker from "dockerode";
import { dockerStatus } from "../host/docker-client";
import { hostFacts } from "../host/facts";
import type { CommandHandlers } from "./command-runner";

/** Stop gives the process this long to exit on SIGTERM before the engine kills it. */
const STOP_GRACE_SECONDS = 10;

/** The engine's 304 "already started/stopped" is success: the container is where it was asked to be. */
function alreadyThere(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 304;
}

export function createHandlers(docker: Docker): CommandHandlers {
  return {
    "agent.ping": async () => ({ at: Date.now() }),
    "host.facts": async () => hostFacts((await dockerStatus(docker)).version),
    "docker.container.action": async ({ id, action }) => {
      const container = docker.getContainer(id);
      try {
        if (action === "start") await container.start();
        else if (action === "stop") await container.stop({ t: STOP_GRACE_SECONDS });
        else if (action === "restart") await container.restart({ t: STOP_GRACE_SECONDS });
        else await container.remove({ force: true });
      } catch (error) {
        if (!alreadyThere(error)) throw new Error(`docker ${action} failed: ${(error as Error).message}`);
      }
      return { done: true as const };
    },
    "docker.container.inspect": async ({ id }) =>
      (await docker.getContainer(id).inspect()) as unknown as Record<string, unknown>,
  };
}
