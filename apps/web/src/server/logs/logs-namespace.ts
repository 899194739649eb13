// The /logs Socket.IO namespace: browsers follow logs here. The handshake is the browser gate's
// (Origin, session cookie, portal.read); every subscription is authorised at subscribe time with
// `logs.read` for the viewer's own team, and the target is resolved inside that team, so a
// container id of another team's host is refused as not found. A person who loses logs.read, signs
// out or is disabled has every stream ended within the gate's re-check (realtime/browser-gate.ts).
import {
  can,
  LOGS_EVENTS,
  parseMessage,
  type ViewerEnd,
  type ViewerSubscribeReply,
  viewerAckSchema,
  viewerSubscribeSchema,
  viewerUnsubscribeSchema,
} from "@wheelhouse/shared";
import type { Socket } from "socket.io";
import { AppError } from "../errors/app-error";
import type { PortalMetrics } from "../metrics/registry";
import type { BrowserGate } from "../realtime/browser-gate";
import type { PortalServices } from "../services";
import { LogRelay } from "./log-relay";
import { resolveTarget } from "./log-targets";

/** Streams a single connection may have open at once (a page has one; a few tabs share nothing). */
const MAX_STREAMS_PER_SOCKET = 8;

export function attachLogsNamespace(
  gate: BrowserGate,
  services: PortalServices,
  metrics: Pick<PortalMetrics, "logLinesRelayed" | "logFollowers">,
): LogRelay {
  const { db, logger, events, inventory } = services;
  const relay = new LogRelay(db, services.agents, metrics, logger);
  /** Each socket's open streams and their sources' keys (to tell each source why it ended). */
  const streams = new Map<string, Map<string, string[]>>();

  events.on("agentInventoryReceived", (hostId) => relay.agentConnected(hostId));
  events.on("deploymentChanged", (_teamId, deploymentId) => relay.deploymentChanged(deploymentId));

  gate.attach({
    name: "/logs",
    // Every role may open the socket; each subscription needs logs.read (checked as it is then).
    permission: "portal.read",
    connection: (gated) => {
      const { socket } = gated;
      const open = new Map<string, string[]>();
      streams.set(socket.id, open);
      const key = (streamId: string) => `${socket.id}:${streamId}`;

      socket.on(LOGS_EVENTS.subscribe, async (payload: unknown, ack?: unknown) => {
        const reply = (answer: ViewerSubscribeReply) => {
          if (typeof ack === "function") ack(answer);
        };
        const parsed = parseMessage(viewerSubscribeSchema, payload);
        if (!parsed.ok) {
          reply({ ok: false, code: "BAD_INPUT", error: `Subscription refused: ${parsed.reason}` });
          return;
        }
        const request = parsed.data;
        try {
          const user = await gated.authorize("logs.read");
          if (!open.has(request.streamId) && open.size >= MAX_STREAMS_PER_SOCKET) {
            throw new AppError("RATE_LIMITED", `At most ${MAX_STREAMS_PER_SOCKET} log streams per page.`);
          }
          const target = await resolveTarget(db, inventory, user.team.id, request.target);
          if (!socket.connected) return;
          open.set(
            request.streamId,
            target.sources.map((source) => source.key),
          );
          relay.open(key(request.streamId), request.streamId, target.sources, request, {
            batch: (batch) => socket.emit(LOGS_EVENTS.batch, batch),
            end: (end) => socket.emit(LOGS_EVENTS.end, end),
          });
          reply({ ok: true, title: target.title, sources: target.sources.map(({ key, label }) => ({ key, label })) });
        } catch (caught) {
          // A full disk (an audited refusal could not be written) is a sentence, logged once a minute.
          const error = services.writes.diskFullError(caught) ?? caught;
          if (!(error instanceof AppError)) logger.error({ err: error }, "a log subscription failed");
          reply({
            ok: false,
            code: error instanceof AppError ? error.code : "INTERNAL",
            error: error instanceof AppError ? error.message : "The subscription failed; the error has been logged.",
          });
        }
      });

      socket.on(LOGS_EVENTS.ack, (payload: unknown) => {
        const parsed = parseMessage(viewerAckSchema, payload);
        if (parsed.ok) relay.ack(key(parsed.data.streamId), parsed.data.batch);
      });

      socket.on(LOGS_EVENTS.unsubscribe, (payload: unknown) => {
        const parsed = parseMessage(viewerUnsubscribeSchema, payload);
        if (!parsed.ok) return;
        open.delete(parsed.data.streamId);
        relay.close(key(parsed.data.streamId));
      });

      socket.on("disconnect", () => {
        for (const streamId of open.keys()) relay.close(key(streamId));
        open.clear();
        streams.delete(socket.id);
      });
    },
    // A person who lost logs.read keeps the socket (every role may hold it) but no stream.
    revalidate: async ({ socket, user }) => {
      if (!can(user.role, "logs.read")) {
        endStreams(socket, `Your role (${user.role}) no longer lets you read logs; this stream has ended.`);
      }
    },
    ending: ({ socket }, { message }) => endStreams(socket, message),
  });

  /** Ends every stream of this socket, each source told why, as a page shows a failed source. */
  function endStreams(socket: Socket, message: string) {
    const open = streams.get(socket.id);
    if (!open) return;
    for (const [streamId, sources] of open) {
      relay.close(`${socket.id}:${streamId}`);
      for (const source of sources) {
        const end: ViewerEnd = { streamId, source, reason: "error", message };
        socket.emit(LOGS_EVENTS.end, end);
      }
    }
    open.clear();
  }

  return relay;
}
