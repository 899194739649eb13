// The /agent namespace: agents dial in with their key; every message is parsed against its schema
// (packages/shared/src/protocol); anything unknown, malformed or oversized, over the host's caps,
// timed absurdly or naming another host's sessions or streams is refused with a reason and logged
// (once per kind per host per minute: agent-refusals.ts), and the connection stays up.
import {
  AGENT_EVENTS,
  type AgentEvent,
  APP_LABELS,
  agentHandshakeSchema,
  type HandshakeRefusal,
  type HandshakeRefusalCode,
  isOwnKey,
  PORTAL_REFUSED_EVENT,
  parseMessage,
  refusalSchema,
  toBuffer,
} from "@wheelhouse/shared";
import type { Namespace, Socket } from "socket.io";
import type { z } from "zod";
import type { InventoryOverCap } from "../hosts/docker-inventory";
import { hostForKey } from "../hosts/enrollment";
import {
  recordDisconnect,
  recordDockerStatus,
  recordHello,
  type SampleWriter,
  type StoredReport,
  sampleTimeRefusal,
} from "../hosts/host-telemetry";
import { KEY_IN_USE_MESSAGE, keyInUseDelay } from "../hosts/key-in-use";
import { applyHealthReport } from "../live-health/health-report";
import type { LogRelay } from "../logs/log-relay";
import type { PortalServices } from "../services";
import { type AgentRefusalKind, RefusalLog } from "./agent-refusals";

interface AgentSocketData {
  hostId: string;
  teamId: string;
  hostName: string;
  stored: StoredReport;
}

/** Refusals of the handshake carry a code, so the agent can tell "stop" from "try later" (and how much later). */
function refuse(message: string, code: HandshakeRefusalCode, retryAfterMs?: number): Error {
  const data: HandshakeRefusal = retryAfterMs === undefined ? { code } : { code, retryAfterMs };
  return Object.assign(new Error(message), { data });
}

/** What every log line about an agent names. */
function linkFields(link: AgentSocketData) {
  return { hostId: link.hostId, host: link.hostName };
}

/** A handler's verdict on a message that parsed but may not be acted on. */
interface Refused {
  kind: AgentRefusalKind;
  reason: string;
}

/** A handler refuses synchronously (a verdict) or does its work and may fail (a promise). */
type Handled = Refused | undefined | Promise<void>;

type AgentEventHandlers = {
  [E in AgentEvent]: (link: AgentSocketData, payload: z.output<(typeof AGENT_EVENTS)[E]>) => Handled;
};

function overCapRefusal({ kind, count, cap }: InventoryOverCap): Refused {
  return {
    kind: kind === "containers" ? "containers-over-cap" : "images-over-cap",
    reason: `${count} ${kind} is over this host's cap of ${cap}; the portal keeps the ${kind} it had`,
  };
}

const OTHER_HOST_SESSION: Refused = {
  kind: "other-host-session",
  reason: "that terminal session runs on another host",
};
const OTHER_HOST_STREAM: Refused = { kind: "other-host-stream", reason: "that log stream belongs to another host" };

/**
 * What each agent event does, made once for the namespace and given the connection as an argument.
 * (Made per connection, as closures, they cost every idle agent about 5 KiB: tsx's `keepNames`
 * defines a `name` on each named function, which gives each its own property store.)
 */
/** Where agents' log batches and stream ends go: the portal's LogRelay (logs/log-relay.ts). */
type AgentLogSink = Pick<LogRelay, "agentBatch" | "agentEnd">;

function agentEventHandlers(
  services: PortalServices,
  samples: SampleWriter,
  logs: AgentLogSink,
  notifyTeam: (teamId: string) => void,
): AgentEventHandlers {
  const { db, inventory } = services;
  return {
    "agent:hello": async ({ hostId, teamId, stored }, { version, facts, dockerError }) => {
      await recordHello(db, hostId, version, facts, dockerError, stored);
      notifyTeam(teamId);
    },
    // Last seen is touched for every message, heartbeats included, in dispatch.
    "agent:heartbeat": ({ hostId, teamId }, { sample }) => {
      // Checked here, before the sample joins every other host's batched write.
      const badTime = sampleTimeRefusal(sample.at);
      if (badTime) return { kind: "sample-time", reason: badTime };
      samples.add(hostId, sample);
      notifyTeam(teamId);
    },
    "agent:inventory": ({ hostId, teamId }, { containers, images }) => {
      const overCap = inventory.replace(hostId, containers, images);
      if (overCap) return overCapRefusal(overCap);
      services.events.emit("agentInventoryReceived", hostId);
      notifyTeam(teamId);
    },
    "agent:container": ({ hostId, teamId }, { container }) => {
      const overCap = inventory.upsertContainer(hostId, container);
      if (overCap) return overCapRefusal(overCap);
      if (container.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
      notifyTeam(teamId);
    },
    "agent:container-removed": async ({ hostId, teamId }, { id }) => {
      const gone = inventory.get(hostId)?.containers.get(id);
      inventory.removeContainer(hostId, id);
      if (gone?.labels[APP_LABELS.managed] === "1") services.events.emit("hostAppContainerChanged", hostId);
      notifyTeam(teamId);
    },
    "agent:images": ({ hostId, teamId }, { images }) => {
      const overCap = inventory.setImages(hostId, images);
      if (overCap) return overCapRefusal(overCap);
      notifyTeam(teamId);
    },
    "agent:docker-status": async ({ hostId, teamId }, { version, error }) => {
      inventory.setDockerStatus(hostId, version, error);
      await recordDockerStatus(db, hostId, version, error);
      notifyTeam(teamId);
    },
    // The instance must be a live one of the reporting host (health-report.ts scopes every write).
    "agent:instance-health": async ({ hostId, teamId }, event) => {
      if ((await applyHealthReport(services, { hostId, teamId }, event)) !== "ignored") notifyTeam(teamId);
    },
    // Streams and sessions are looked up by id and must be the reporting host's own: an agent that
    // names another host's would otherwise write into that host's log view or end its shell.
    "agent:log-batch": ({ hostId }, batch) =>
      logs.agentBatch(hostId, batch) === "other-host" ? OTHER_HOST_STREAM : undefined,
    "agent:log-end": ({ hostId }, end) => (logs.agentEnd(hostId, end) === "other-host" ? OTHER_HOST_STREAM : undefined),
    "agent:terminal-output": ({ hostId }, { sessionId, data }) =>
      services.terminals.agentOutput(hostId, sessionId, toBuffer(data)) === "other-host"
        ? OTHER_HOST_SESSION
        : undefined,
    "agent:terminal-exit": ({ hostId }, { sessionId, exitCode, message }) =>
      services.terminals.agentExit(hostId, sessionId, exitCode, message) === "other-host"
        ? OTHER_HOST_SESSION
        : undefined,
  };
}

export function attachAgentNamespace(
  agentNs: Namespace,
  services: PortalServices,
  samples: SampleWriter,
  logs: AgentLogSink,
  notifyTeam: (teamId: string) => void,
) {
  const { db, logger, agents, metrics } = services;
  const refusals = new RefusalLog();

  agentNs.use(async (socket, next) => {
    const refused = (error: Error) => {
      metrics.agentConnections.inc({ outcome: "refused" });
      next(error);
    };
    const address = socket.handshake.address;
    const handshake = parseMessage(agentHandshakeSchema, socket.handshake.auth);
    if (!handshake.ok) {
      logger.warn({ address, reason: handshake.reason }, "agent handshake refused");
      refused(refuse(`Handshake refused: ${handshake.reason}`, "BAD_HANDSHAKE"));
      return;
    }
    try {
      const host = await hostForKey(db, handshake.data.key);
      if (!host || host.revokedAt) {
        logger.warn({ address }, "agent key refused");
        refused(
          refuse(
            "This agent key is not valid: the host was revoked or never enrolled. Enrol it again from the portal's Hosts page.",
            "KEY_REFUSED",
          ),
        );
        return;
      }
      const retryAfterMs = await keyInUseDelay(services, host, address, notifyTeam);
      if (retryAfterMs !== null) {
        refused(refuse(KEY_IN_USE_MESSAGE, "KEY_IN_USE", retryAfterMs));
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
      refused(refuse("The portal could not check this key right now; retrying later.", "UNAVAILABLE"));
    }
  });

  const handlers = agentEventHandlers(services, samples, logs, notifyTeam);

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
    metrics.agentConnections.inc({ outcome: replaced ? "replaced" : "accepted" });
    // The registry tells the previous connection why and closes it.
    if (replaced) {
      logger.info(
        { ...linkFields(link), previous: replaced.connectionId },
        "agent reconnected; closing its previous connection",
      );
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
        .catch(
          (error: unknown) =>
            services.writes.noticeFailure(error) ||
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
    // Own keys only: `event in AGENT_EVENTS` also accepted "constructor", "__proto__" or "toString".
    if (!isOwnKey(AGENT_EVENTS, event)) {
      refuseMessage(link, socket, event, { kind: "unknown-event", reason: "unknown event" });
      return;
    }
    const parsed = parseMessage(AGENT_EVENTS[event], payload);
    if (!parsed.ok) {
      refuseMessage(link, socket, event, { kind: "invalid", reason: parsed.reason });
      return;
    }
    const handle = handlers[event] as (link: AgentSocketData, payload: unknown) => Handled;
    // A full disk is logged once a minute by db/write-health.ts, not once per agent message.
    const failed = (error: unknown) =>
      services.writes.noticeFailure(error) ||
      logger.error({ ...linkFields(link), err: error, event }, "handling an agent message failed");
    let handled: Handled;
    try {
      handled = handle(link, parsed.data);
    } catch (error) {
      failed(error);
      return;
    }
    if (handled instanceof Promise) handled.catch(failed);
    else if (handled) refuseMessage(link, socket, event, handled);
  }

  /** Tells the agent every time; logs once per kind per host per minute (agent-refusals.ts). */
  function refuseMessage(link: AgentSocketData, socket: Socket, event: string, { kind, reason }: Refused): void {
    metrics.agentMessagesRefused.inc({ kind });
    const unlogged = refusals.admit(link.hostId, kind, event);
    if (unlogged !== null) {
      logger.warn(
        { ...linkFields(link), event: event.slice(0, 200), kind, reason, refusedUnloggedBefore: unlogged },
        "agent message refused",
      );
    }
    socket.emit(PORTAL_REFUSED_EVENT, { event: event.slice(0, 200), reason: reason.slice(0, 1_000) });
  }
}
