// The agent's connection to the portal: it dials OUT (no inbound port on the host), says hello
// after every (re)connect, sends heartbeats, answers commands, and refuses anything it does not
// understand without dropping the link.
//
// Reconnects: transport failures (portal restarting, network down) are retried by Socket.IO's
// manager with exponential back-off and jitter; refusals by the portal's middleware are not
// retried by Socket.IO, so we schedule them ourselves with the same back-off, except a refused key,
// which no retry can fix: the agent stops (exit code 78) and says how to enrol again. A key in use
// by another agent is retried no sooner than the portal asks (its delay grows while both try).
import {
  AGENT_REFUSED_EVENT,
  type AgentEvent,
  type AgentEventPayload,
  COMMAND_EVENT,
  HEARTBEAT_INTERVAL_MS,
  handshakeRefusalSchema,
  PORTAL_REFUSED_EVENT,
  parseMessage,
  RECONNECT_DELAY_MAX_MS,
  RECONNECT_DELAY_MS,
  RECONNECT_JITTER,
  refusalSchema,
} from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";
import type { CommandRunner } from "../commands/command-runner";
import type { Logger } from "../logger";
import { backoffDelay } from "./backoff";

export { backoffDelay };

export interface PortalLinkOptions {
  portalUrl: string;
  agentKey: string;
  version: string;
  logger: Logger;
  commands: CommandRunner;
  hello(): Promise<AgentEventPayload<"agent:hello">>;
  heartbeat(): AgentEventPayload<"agent:heartbeat">;
  /** Called when the portal refuses the key for good. */
  onKeyRefused(message: string): void;
  /** Called after hello on every (re)connect: time to send the full state again. */
  onConnected?(): void;
  /** Further portal → agent events (streams: acknowledgements, input), each parsed by its handler. */
  portalEvents?: Record<string, (payload: unknown) => void>;
}

export interface PortalLink {
  socket: Socket;
  /** Sends an event if connected; while disconnected it is dropped (the next connect resends state). */
  send<E extends AgentEvent>(event: E, payload: AgentEventPayload<E>): void;
  close(): void;
}

const BUILT_IN_PORTAL_EVENTS = [COMMAND_EVENT, PORTAL_REFUSED_EVENT];

export function connectToPortal(options: PortalLinkOptions): PortalLink {
  const { logger } = options;
  const socket = io(new URL("/agent", options.portalUrl).toString(), {
    transports: ["websocket"],
    auth: { key: options.agentKey, version: options.version },
    reconnection: true,
    reconnectionDelay: RECONNECT_DELAY_MS,
    reconnectionDelayMax: RECONNECT_DELAY_MAX_MS,
    randomizationFactor: RECONNECT_JITTER,
  });
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let refusedAttempts = 0;
  let closed = false;
  const knownPortalEvents = new Set([...BUILT_IN_PORTAL_EVENTS, ...Object.keys(options.portalEvents ?? {})]);
  for (const [event, handle] of Object.entries(options.portalEvents ?? {})) socket.on(event, handle);

  const send = <E extends AgentEvent>(event: E, payload: AgentEventPayload<E>) => {
    if (socket.connected) socket.emit(event, payload);
  };

  socket.on("connect", () => {
    refusedAttempts = 0;
    logger.info({ portal: options.portalUrl }, "connected to the portal");
    options
      .hello()
      .then((payload) => {
        send("agent:hello", payload);
        options.onConnected?.();
      })
      .catch((error: unknown) => logger.error({ err: error }, "could not gather host facts"));
    clearInterval(heartbeat);
    heartbeat = setInterval(() => send("agent:heartbeat", options.heartbeat()), HEARTBEAT_INTERVAL_MS);
  });

  socket.on("disconnect", (reason) => {
    clearInterval(heartbeat);
    logger.warn({ reason }, "disconnected from the portal");
    // "io server disconnect" means the portal closed us on purpose (replaced or revoked): Socket.IO
    // does not reconnect by itself then, so we do, with back-off; a revoked key is refused next time.
    if (reason === "io server disconnect" && !closed) scheduleRetry();
  });

  const scheduleRetry = (atLeastMs = 0) => {
    clearTimeout(retry);
    const delay = Math.max(atLeastMs, backoffDelay(refusedAttempts++));
    logger.info({ retryInMs: delay }, "reconnecting after back-off");
    retry = setTimeout(() => {
      if (!closed) socket.connect();
    }, delay);
  };

  socket.on("connect_error", (error: Error & { data?: unknown }) => {
    const refusal = handshakeRefusalSchema.safeParse(error.data);
    const code = refusal.success ? refusal.data.code : undefined;
    if (code === "KEY_REFUSED") {
      logger.error({ reason: error.message }, "the portal refused this agent's key");
      options.onKeyRefused(error.message);
      return;
    }
    if (code === "KEY_IN_USE") {
      logger.error(
        { reason: error.message, retryAfterMs: refusal.data?.retryAfterMs },
        "another agent is connected with this host's key",
      );
    } else {
      logger.warn({ reason: error.message, code }, "could not connect to the portal");
    }
    // Transport errors are retried by the manager; a middleware refusal leaves the socket inactive.
    if (!socket.active) scheduleRetry(refusal.data?.retryAfterMs ?? 0);
  });

  socket.on(COMMAND_EVENT, (envelope: unknown, ack?: unknown) => {
    if (typeof ack !== "function") {
      logger.warn("a command arrived without an acknowledgement callback; refused");
      socket.emit(AGENT_REFUSED_EVENT, { event: COMMAND_EVENT, reason: "commands must ask for an acknowledgement" });
      return;
    }
    options.commands.run(envelope).then(
      (reply) => ack(reply),
      (error: unknown) => logger.error({ err: error }, "command runner failed"),
    );
  });

  socket.on(PORTAL_REFUSED_EVENT, (payload: unknown) => {
    const refusal = parseMessage(refusalSchema, payload);
    logger.warn({ refusal: refusal.ok ? refusal.data : "unreadable" }, "the portal refused a message of ours");
  });

  socket.onAny((event: string) => {
    if (knownPortalEvents.has(event)) return;
    logger.warn({ event: event.slice(0, 200) }, "unknown message from the portal refused");
    socket.emit(AGENT_REFUSED_EVENT, { event: event.slice(0, 200), reason: "unknown event" });
  });

  return {
    socket,
    send,
    close() {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(retry);
      socket.close();
    },
  };
}
