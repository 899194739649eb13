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
import type { z } from "zod";
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

/** What every log line about an agent names. */
function linkFields(link: AgentSocketData) {
  return { hostId: link.hostId, host: link.hostName };
}

type AgentEventHandlers = {
  [E in AgentEvent]: (link: AgentSocketData, payload: z.output<(typeof AGENT_EVENTS)[E]>) => Promise<void>;
};

/**
 * What each agent event does, made once for the namespace and given the connection as an argument.
 * (Made per connection, as closures, they cost every idle agent about 5 KiB: tsx's `keepNames`
 * defines a `name` on each named function, which gives each its own property store.)
 */
function agentEventHandlers(
  services: PortalServices,
  samples: SampleWriter,
  notifyTeam: (teamId: string) => void,
): AgentEventHandlers {
  const { db, inventory } = services;
  return {
    "agent:hello": async ({ hostId, teamId, stored }, { version, facts, dockerError }) => {
      await recordHello(db, hostId, version, facts, dockerError, stored);
      notifyTeam(teamId);
    },
    // Last seen is touched for every message, heartbeats included, in dispatch.
    "agent:heartbeat": async ({ hostId, teamId }, { sample }) => {
      samples.add(hostId, sample);
      notifyTeam(teamId);
    },
    "agent:inventory": async ({ hostId, teamId }, { containers, images }) => {
      inventory.replace(hostId, containers, images);
      services.events.emit("hostInventorySynced", hostId);
      notifyTeam(teamId);
    },
    "agent:container": async ({ hostId, teamId }, { container }) => {
      inventory.upsertContainer(hostId, container);
      if (container.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
      notifyTeam(teamId);
    },
    "agent:container-removed": async ({ hostId, teamId }, { id }) => {
      const gone = inventory.get(hostId)?.containers.get(id);
      inventory.removeContainer(hostId, id);
      if (gone?.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
      notifyTeam(teamId);
    },
    "agent:images": async ({ hostId, teamId }, { images }) => {
      inventory.setImages(hostId, images);
      notifyTeam(teamId);
    },
    "agent:docker-status": async ({ hostId, teamId }, { version, error }) => {
      inventory.setDockerStatus(hostId, version, error);
      await recordDockerStatus(db, hostId, version, error);
      notifyTeam(teamId);
    },
    "agent:log-batch": async ({ hostId }, batch) => void services.events.emit("agentLogBatch", hostId, batch),
    "agent:log-end": async ({ hostId }, end) => void services.events.emit("agentLogEnd", hostId, end),
    "agent:terminal-output": async ({ hostId }, { sessionId, data }) =>
      services.terminals.agentOutput(hostId, sessionId, toBuffer(data)),
    "agent:terminal-exit": async ({ hostId }, { sessionId, exitCode, message }) =>
      services.terminals.agentExit(hostId, sessionId, exitCode, message),
  };
}

export function attachAgentNamespace(
  agentNs: Namespace,
  services: PortalServices,
  samples: SampleWriter,
  notifyTeam: (teamId: string) => void,
) {
  const { db, logger, agents } = services;

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

  const handlers = agentEventHandlers(services, samples, notifyTeam);

  agentNs.on("connection", (socket: Socket) => {
    const link = socket.data as AgentSocketData;
    const { hostId, teamId } = link;
    // Socket.IO keeps the connection's first HTTP request (headers, buffers) for the socket's whole
    // life, and engine.io's upgrade response holds it too; with thousands of idle agents that adds
    // up (bench/agents). Everything we read from it was read in the middleware, so let it go.
    const request = (socket.conn as unknown as { request: { headers: unknown; rawHeaders: unknown } | null }).request;
    if (request) {
      request.headers = {};
      request.rawHeaders = [];
    }
    (socket.conn as unknown as { request: unknown }).request = null;
    socket.handshake.headers = {};
    // The agent key, too: checked once, it has no business staying in memory.
    socket.handshake.auth = {};
    const replaced = agents.connect({ hostId, teamId, socket, connectedAt: Date.now(), lastSeen: Date.now() });
    if (replaced) {
      logger.info(
        { ...linkFields(link), previous: replaced.socket.id },
        "agent reconnected; closing its previous connection",
      );
      replaced.socket.emit(PORTAL_REFUSED_EVENT, {
        event: "connection",
        reason: "replaced by a newer connection of this agent",
      });
      replaced.socket.disconnect(true);
    }
    logger.info(linkFields(link), "agent connected");
    // Only unnamed arrows here, one per listener: every per-connection function costs memory for
    // each idle agent, and a named one more (tsx gives it a `name` property; see agentEventHandlers).
    socket.onAny((event: string, ...args: unknown[]) => dispatch(link, socket, event, args[0]));
    socket.on("disconnect", (reason) => {
      if (!agents.disconnect(hostId, socket.id)) return;
      logger.info({ ...linkFields(link), reason }, "agent disconnected");
      recordDisconnect(db, hostId)
        .then(() => notifyTeam(teamId))
        .catch((error: unknown) =>
          logger.error({ ...linkFields(link), err: error }, "could not record an agent's disconnect"),
        );
    });
  });

  function dispatch(link: AgentSocketData, socket: Socket, event: string, payload: unknown): void {
    agents.touch(link.hostId);
    if (event === "agent:refused") {
      const refusal = parseMessage(refusalSchema, payload);
      logger.warn(
        { ...linkFields(link), refusal: refusal.ok ? refusal.data : payload },
        "agent refused a portal message",
      );
      return;
    }
    if (!(event in AGENT_EVENTS)) {
      refuseMessage(link, socket, event, "unknown event");
      return;
    }
    const name = event as AgentEvent;
    const parsed = parseMessage(AGENT_EVENTS[name], payload);
    if (!parsed.ok) {
      refuseMessage(link, socket, event, parsed.reason);
      return;
    }
    (handlers[name] as (link: AgentSocketData, payload: unknown) => Promise<void>)(link, parsed.data).catch(
      (error: unknown) => logger.error({ ...linkFields(link), err: error, event }, "handling an agent message failed"),
    );
  }

  function refuseMessage(link: AgentSocketData, socket: Socket, event: string, reason: string): void {
    logger.warn({ ...linkFields(link), event, reason }, "agent message refused");
    socket.emit(PORTAL_REFUSED_EVENT, { event: event.slice(0, 200), reason: reason.slice(0, 1_000) });
  }
}
