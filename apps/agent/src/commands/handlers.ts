// What this agent can do for the portal: one handler per command in packages/shared's COMMANDS.
import type Docker from "dockerode";
import { removing } from "../apps/docker-errors";
import { removeUnusedImages } from "../apps/image-cleanup";
import { remoteDigestOf, resolveImage } from "../apps/image-resolve";
import { awaitHealthy } from "../apps/instance-health";
import { instanceLogs, removeInstances, startInstance } from "../apps/instances";
import { runCheck } from "../checks/run-check";
import type { AgentSettings } from "../config/settings";
import type { LiveMonitor } from "../health/live-monitor";
import { dockerStatus } from "../host/docker-client";
import { hostFacts } from "../host/facts";
import type { LogHub } from "../logs/log-hub";
import { putChallenge, removeChallenge } from "../nginx/acme-challenges";
import type { NginxManager } from "../nginx/nginx-manager";
import { runContainerCommand } from "../terminal/container-exec";
import type { TerminalSessions } from "../terminal/terminal-sessions";
import type { CommandHandlers } from "./command-runner";

/** Stop gives the process this long to exit on SIGTERM before the engine kills it. */
const STOP_GRACE_SECONDS = 10;

/** The engine's 304 "already started/stopped" is success: the container is where it was asked to be. */
function alreadyThere(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 304;
}

export interface HandlerDependencies {
  docker: Docker;
  nginx: NginxManager;
  logs: LogHub;
  terminals: TerminalSessions;
  /** Live health: what `health.watch` hands its list to. */
  health: Pick<LiveMonitor, "watch">;
  settings: Pick<AgentSettings, "portRange" | "extraLabels">;
}

export function createHandlers({
  docker,
  nginx,
  logs,
  terminals,
  health,
  settings,
}: HandlerDependencies): CommandHandlers {
  return {
    "agent.ping": async () => ({ at: Date.now() }),
    "host.facts": async () => hostFacts((await dockerStatus(docker)).version),
    "docker.container.action": async ({ id, action }) => {
      const container = docker.getContainer(id);
      try {
        if (action === "start") await container.start();
        else if (action === "stop") await container.stop({ t: STOP_GRACE_SECONDS });
        else if (action === "restart") await container.restart({ t: STOP_GRACE_SECONDS });
        // Already gone or already being removed is what was asked for, not a failure.
        else await removing(() => container.remove({ force: true }));
      } catch (error) {
        if (!alreadyThere(error)) throw new Error(`docker ${action} failed: ${(error as Error).message}`);
      }
      return { done: true as const };
    },
    "docker.container.inspect": async ({ id }) =>
      (await docker.getContainer(id).inspect()) as unknown as Record<string, unknown>,
    "image.resolve": (params) => resolveImage(docker, params),
    "image.remote-digest": (params) => remoteDigestOf(docker, params),
    "app.instance.start": (spec) => startInstance(docker, spec, settings),
    "app.instance.await-healthy": (params) => awaitHealthy(docker, params),
    "app.instance.logs": async ({ containerId, lines }) => ({ lines: await instanceLogs(docker, containerId, lines) }),
    "app.instance.remove": ({ containerIds, stopTimeoutSeconds }) =>
      removeInstances(docker, containerIds, stopTimeoutSeconds),
    "nginx.apply": ({ sites }) => nginx.apply(sites),
    "nginx.status": () => nginx.status(),
    "acme.challenge.put": async ({ token, keyAuthorization }) => {
      await putChallenge(nginx.acmeWebroot(), token, keyAuthorization);
      return {};
    },
    "acme.challenge.remove": async ({ token }) => {
      await removeChallenge(nginx.acmeWebroot(), token);
      return {};
    },
    "image.remove-unused": ({ candidates, keep }) => removeUnusedImages(docker, candidates, keep),
    "logs.subscribe": (params) => logs.subscribe(params),
    "logs.unsubscribe": async ({ streamId }) => {
      logs.unsubscribe(streamId);
      return { done: true as const };
    },
    "logs.read": (params) => logs.read(params),
    "logs.stats": async () => logs.stats(),
    "terminal.open": (params) => terminals.open(params),
    "terminal.close": async ({ sessionId }) => {
      terminals.close(sessionId);
      return { done: true as const };
    },
    "terminal.exec": ({ containerId, command, timeoutMs }) =>
      runContainerCommand(docker, containerId, command, timeoutMs),
    "check.run": (params) => runCheck({ docker, nginx }, params),
    "health.watch": async ({ instances }) => ({ watching: health.watch(instances) }),
  };
}
