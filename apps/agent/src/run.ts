// `wheelhouse-agent run`: connect to the portal and serve until stopped.

import { probe } from "./apps/instance-health";
import { CommandRunner } from "./commands/command-runner";
import { createHandlers } from "./commands/handlers";
import { EXIT_CONFIG_LOCKED, lockConfigDir } from "./config/config-lock";
import { type AgentSettings, readAgentFile } from "./config/settings";
import { DockerWatcher } from "./docker/docker-watcher";
import { LiveMonitor } from "./health/live-monitor";
import { createDockerClient, dockerStatus } from "./host/docker-client";
import { hostFacts } from "./host/facts";
import { createSampler } from "./host/sampler";
import { watchProcess } from "./lifecycle/watch-process";
import { connectToPortal } from "./link/portal-link";
import { createLogger } from "./logger";
import { AgentLogBuffer } from "./logs/agent-log-buffer";
import { LogHub } from "./logs/log-hub";
import { logAckHandler } from "./logs/log-link";
import { NginxManager } from "./nginx/nginx-manager";
import { terminalEventHandlers } from "./terminal/terminal-link";
import { TerminalSessions } from "./terminal/terminal-sessions";
import { AGENT_VERSION } from "./version";

/** Exit code when the portal refuses our key for good: systemd's RestartPreventExitStatus keeps it down. */
export const EXIT_KEY_REFUSED = 78;

/** A container restarted for failed liveness gets this long to exit on SIGTERM, like a stop. */
const LIVENESS_RESTART_GRACE_SECONDS = 10;

export function run(settings: AgentSettings): void {
  const file = readAgentFile(settings.configDir);
  // Before anything connects: a second agent on this key must not reach the portal at all.
  const lock = lockConfigDir(settings.configDir);
  process.on("exit", () => lock.release());
  const portalUrl = settings.portalUrlOverride ?? file.portalUrl;
  const agentLog = new AgentLogBuffer();
  const logger = createLogger(settings.logLevel, file.hostName, agentLog.stream());
  const docker = createDockerClient(settings.dockerSocket);
  const logs = new LogHub(docker, agentLog, logger, {
    batch: (batch) => link.send("agent:log-batch", batch),
    end: (end) => link.send("agent:log-end", end),
  });
  const terminals = new TerminalSessions(docker, logger, (event, payload) => link.send(event, payload));
  const sample = createSampler();
  // Empty until the portal sends its list (health.watch), which it does on every connect.
  const health = new LiveMonitor({
    probe,
    restart: (containerId) => docker.getContainer(containerId).restart({ t: LIVENESS_RESTART_GRACE_SECONDS }),
    report: (event) => link.send("agent:instance-health", event),
    logger,
  });
  // The managed nginx outlives the agent on purpose: apps keep serving while the agent restarts.
  const nginx = new NginxManager(settings.nginx, logger);
  nginx.start().catch((error: unknown) => logger.error({ err: error }, "nginx did not start"));
  const watcher = new DockerWatcher(docker, logger, {
    inventory: (payload) => link.send("agent:inventory", payload),
    container: (container) => link.send("agent:container", { container }),
    removed: (id) => link.send("agent:container-removed", { id }),
    images: (images) => link.send("agent:images", { images }),
    status: (payload) => link.send("agent:docker-status", payload),
  });
  const link = connectToPortal({
    portalUrl,
    agentKey: file.agentKey,
    version: AGENT_VERSION,
    logger,
    commands: new CommandRunner(createHandlers({ docker, nginx, logs, terminals, health, settings })),
    async hello() {
      const status = await dockerStatus(docker);
      return { version: AGENT_VERSION, facts: hostFacts(status.version), dockerError: status.error };
    },
    heartbeat: () => ({ sample: sample() }),
    onConnected: () => watcher.resync(),
    portalEvents: { ...logAckHandler(() => logs, logger), ...terminalEventHandlers(() => terminals, logger) },
    onKeyRefused(message) {
      process.stderr.write(`\nwheelhouse-agent stopped: ${message}\n`);
      watcher.stop();
      link.close();
      process.exit(EXIT_KEY_REFUSED);
    },
  });
  // The portal's streams end with the link; it subscribes again, with cursors, once reconnected.
  link.socket.on("disconnect", () => logs.closeAll());
  // Shells end with the link too: the portal gave them up, and a shell nobody can reach is an open door.
  link.socket.on("disconnect", () => terminals.closeAll());
  watcher.start();
  const stop = (reason: string, code = 0) => {
    logger.info({ reason }, "agent stopping");
    watcher.stop();
    health.stopAll();
    terminals.closeAll();
    link.close();
    process.exit(code);
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  // Logged once the signal handlers are in place: scripts and tests take this line to mean that a
  // SIGTERM now stops the agent cleanly (before the handlers, it would kill it outright).
  logger.info({ portal: portalUrl, version: AGENT_VERSION }, "agent started");
  lock.watch((holder) => {
    logger.error({ lock: lock.path, holder }, "another agent took over this config directory's lock");
    stop("lock taken over", EXIT_CONFIG_LOCKED);
  });
  const { stopWithPid } = settings;
  if (stopWithPid !== undefined) {
    watchProcess(stopWithPid, () => stop(`process ${stopWithPid} (WHEELHOUSE_AGENT_STOP_WITH_PID) ended`));
  }
}
