// What this agent can do for the portal: one handler per command in packages/shared's COMMANDS.
import type Docker from "dockerode";
import { dockerStatus } from "../host/docker-client";
import { hostFacts } from "../host/facts";
import type { CommandHandlers } from "./command-runner";

export function createHandlers(docker: Docker): CommandHandlers {
  return {
    "agent.ping": async () => ({ at: Date.now() }),
    "host.facts": async () => hostFacts((await dockerStatus(docker)).version),
  };
}
