// The /agent namespace: agents dial in with their key; every message is parsed against its schema
// (packages/shared/src/protocol); anything unknown, malformed or oversized is refused with a reason
// and logged, and the connection stays up.
import {
  AGENT_EVENTS,
  type AgentEvent,
  APP_LABELS,
  agentHandshakeSchema,
  PORTAL_REFUSED_EVENT,
  parseMessage,
  refusalSchema,
  toBuffer,
} from "@wheelhouse/shared";
import type { Namespace, Socket } from "socket.io";
import { hostForKey } from "../hosts/enrollment";
import {
  recordDisconnect,
  recordDockerStatus,
  recordHello,
  type SampleWriter,
  type StoredReport,
} from "../hosts/host-telemetry";
import type { PortalServices } from "../services";

interface AgentSocketData {
  hostId: string;
  teamId: string;
  hostName: string;
  stored: StoredReport;
}

/** Refusals of the handshake carry a code, so the agent can tell "stop" from "try later". */
function refuse(message: string, code: "KEY_REFUSED" | "BAD_HANDSHAKE" | "UNAVAILABLE"): Error {
  return Object.assign(new Error(message), { data: { code } });
}

export function attachAgentNamespace(
  agentNs: Namespace,
  services: PortalServices,
  samples: SampleWriter,
  notifyTeam: (teamId: string) => void,
) {
  const { db, logger, agents, inventory } = services;

  agentNs.use(async (socket, next) => {
    const handshake = parseMessage(agentHandshakeSchema, socket.handshake.auth);
    if (!handshake.ok) {
      logger.warn({ address: socket.handshake.address, reason: handshake.reason }, "agent handshake refused");
      next(refuse(`Handshake refused: ${handshake.reason}`, "BAD_HANDSHAKE"));
      return;
    }
    try {
      const host = await hostForKey(db, handshake.data.key);
      if (!host || host.revokedAt) {
        logger.warn({ address: socket.handshake.address }, "agent key refused");
        next(
          refuse(
            "This agent key is not valid: the host was revoked or never enrolled. Enrol it again from the portal's Hosts page.",
            "KEY_REFUSED",
          ),
        );
        return;
      }
      (socket.data as AgentSocketData) = {
        hostId: host.id,
        teamId: host.teamId,
        hostName: host.name,
        stored: { version: host.agentVersion, facts: host.facts, dockerError: host.dockerError },
      };
      next();
    } catch (error) {
      logger.error({ err: error }, "could not check an agent key");
      next(refuse("The portal could not check this key right now; retrying later.", "UNAVAILABLE"));
    }
  });

  agentNs.on("connection", (socket: Socket) => {
    const { hostId, teamId, hostName, stored } = socket.data as AgentSocketData;
    // Socket.IO keeps the connection's first HTTP request (headers, buffers) for the socket's whole
    // life; with thousands of idle agents that adds up (bench/agents). Everything we read from it
    // was copied into socket.handshake when the socket was created, so let it go.
    (socket.conn as unknown as { request: unknown }).request = null;
    // A child logger per connection costs memory for every idle agent: bind the fields only when
    // something is logged.
    const log = {
      info: (fields: object | string, msg?: string) =>
        typeof fields === "string"
          ? logger.info({ hostId, host: hostName }, fields)
          : logger.info({ hostId, host: hostName, ...fields }, msg),
      warn: (fields: object, msg: string) => logger.warn({ hostId, host: hostName, ...fields }, msg),
      error: (fields: object, msg: string) => logger.error({ hostId, host: hostName, ...fields }, msg),
    };
    const replaced = agents.connect({ hostId, teamId, socket, connectedAt: Date.now(), lastSeen: Date.now() });
    if (replaced) {
      log.info({ previous: replaced.socket.id }, "agent reconnected; closing its previous connection");
      replaced.socket.emit(PORTAL_REFUSED_EVENT, {
        event: "connection",
        reason: "replaced by a newer connection of this agent",
      });
      replaced.socket.disconnect(true);
    }
    log.info("agent connected");

    const refuseMessage = (event: string, reason: string) => {
      log.warn({ event, reason }, "agent message refused");
      socket.emit(PORTAL_REFUSED_EVENT, { event: event.slice(0, 200), reason: reason.slice(0, 1_000) });
    };
    const handlers: { [E in AgentEvent]: (payload: import("zod").output<(typeof AGENT_EVENTS)[E]>) => Promise<void> } =
      {
        "agent:hello": async ({ version, facts, dockerError }) => {
          await recordHello(db, hostId, version, facts, dockerError, stored);
          notifyTeam(teamId);
        },
        "agent:heartbeat": async ({ sample }) => {
          agents.touch(hostId);
          samples.add(hostId, sample);
          notifyTeam(teamId);
        },
        "agent:inventory": async ({ containers, images }) => {
          inventory.replace(hostId, containers, images);
          services.events.emit("hostInventorySynced", hostId);
          notifyTeam(teamId);
        },
        "agent:container": async ({ container }) => {
          inventory.upsertContainer(hostId, container);
          if (container.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
          notifyTeam(teamId);
        },
        "agent:container-removed": async ({ id }) => {
          const gone = inventory.get(hostId)?.containers.get(id);
          inventory.removeContainer(hostId, id);
          if (gone?.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
          notifyTeam(teamId);
        },
        "agent:images": async ({ images }) => {
          inventory.setImages(hostId, images);
          notifyTeam(teamId);
        },
        "agent:docker-status": async ({ version, error }) => {
          inventory.setDockerStatus(hostId, version, error);
          await recordDockerStatus(db, hostId, version, error);
          notifyTeam(teamId);
        },
        "agent:log-batch": async (batch) => void services.events.emit("agentLogBatch", hostId, batch),
        "agent:log-end": async (end) => void services.events.emit("agentLogEnd", hostId, end),
        "agent:terminal-output": async ({ sessionId, data }) =>
          services.terminals.agentOutput(hostId, sessionId, toBuffer(data)),
        "agent:terminal-exit": async ({ sessionId, exitCode, message }) =>
          services.terminals.agentExit(hostId, sessionId, exitCode, message),
      };

    socket.onAny((event: string, ...args: unknown[]) => {
      agents.touch(hostId);
      if (event === "agent:refused") {
        const refusal = parseMessage(refusalSchema, args[0]);
        log.warn({ refusal: refusal.ok ? refusal.data : args[0] }, "agent refused a portal message");
        return;
      }
      if (!(event in AGENT_EVENTS)) {
        refuseMessage(event, "unknown event");
        return;
      }
      const name = event as AgentEvent;
      const parsed = parseMessage(AGENT_EVENTS[name], args[0]);
      if (!parsed.ok) {
        refuseMessage(event, parsed.reason);
        return;
      }
      (handlers[name] as (payload: unknown) => Promise<void>)(parsed.data).catch((error: unknown) => {
        log.error({ err: error, event }, "handling an agent message failed");
      });
    });

    socket.on("disconnect", (reason) => {
      if (!agents.disconnect(hostId, socket.id)) return;
      log.info({ reason }, "agent disconnected");
      recordDisconnect(db, hostId)
        .then(() => notifyTeam(teamId))
        .catch((error: unknown) => log.error({ err: error }, "could not record an agent's disconnect"));
    });
  });
}
