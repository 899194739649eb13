// The /logs Socket.IO namespace: browsers follow logs here. The handshake is checked like /ui's
// (Origin, session cookie, portal.read); every subscription is authorised at subscribe time with
// `logs.read` for the viewer's own team, and the target is resolved inside that team, so a
// container id of another team's host is refused as not found.
import {
  LOGS_EVENTS,
  parseMessage,
  type ViewerSubscribeReply,
  viewerAckSchema,
  viewerSubscribeSchema,
  viewerUnsubscribeSchema,
} from "@wheelhouse/shared";
import type { Namespace, Socket } from "socket.io";
import { authorize } from "../access/authorize";
import { readSessionToken } from "../access/session-cookie";
import { resolveSession, type SessionUser } from "../access/sessions";
import { AppError } from "../errors/app-error";
import type { PortalMetrics } from "../metrics/registry";
import type { PortalServices } from "../services";
import { LogRelay } from "./log-relay";
import { resolveTarget } from "./log-targets";

interface LogsSocketData {
  user: SessionUser;
}

/** Streams a single connection may have open at once (a page has one; a few tabs share nothing). */
const MAX_STREAMS_PER_SOCKET = 8;

export function attachLogsNamespace(
  ns: Namespace,
  services: PortalServices,
  metrics: Pick<PortalMetrics, "logLinesRelayed" | "logFollowers">,
  originAllowed: (origin: string | undefined, host: string | undefined) => boolean,
): LogRelay {
  const { db, logger, events, inventory } = services;
  const relay = new LogRelay(db, services.agents, metrics, logger);

  events.on("agentLogBatch", (hostId, batch) => relay.agentBatch(hostId, batch));
  events.on("agentLogEnd", (hostId, end) => relay.agentEnd(hostId, end));
  events.on("hostInventorySynced", (hostId) => relay.agentConnected(hostId));
  events.on("deploymentChanged", (_teamId, deploymentId) => relay.deploymentChanged(deploymentId));

  ns.use(async (socket: Socket, next) => {
    const { headers } = socket.handshake;
    if (!originAllowed(headers.origin, headers.host)) {
      next(new Error("This page's origin may not open a Wheelhouse socket."));
      return;
    }
    try {
      const user = await resolveSession(db, readSessionToken(headers.cookie));
      (socket.data as LogsSocketData).user = await authorize(db, user, "portal.read", socket.handshake.address);
      next();
    } catch (error) {
      next(new Error(error instanceof AppError ? error.message : "Could not check your session."));
    }
  });

  ns.on("connection", (socket) => {
    const { user } = socket.data as LogsSocketData;
    socket.join([`user:${user.id}`, `session:${user.sessionId}`]);
    const open = new Set<string>();
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
        await authorize(db, user, "logs.read", socket.handshake.address);
        if (!open.has(request.streamId) && open.size >= MAX_STREAMS_PER_SOCKET) {
          throw new AppError("RATE_LIMITED", `At most ${MAX_STREAMS_PER_SOCKET} log streams per page.`);
        }
        const target = await resolveTarget(db, inventory, user.team.id, request.target);
        if (!socket.connected) return;
        open.add(request.streamId);
        relay.open(key(request.streamId), request.streamId, target.sources, request, {
          batch: (batch) => socket.emit(LOGS_EVENTS.batch, batch),
          end: (end) => socket.emit(LOGS_EVENTS.end, end),
        });
        reply({ ok: true, title: target.title, sources: target.sources.map(({ key, label }) => ({ key, label })) });
      } catch (error) {
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
      for (const streamId of open) relay.close(key(streamId));
      open.clear();
    });
  });

  const endRoom = (room: string) => ns.in(room).disconnectSockets(true);
  events.on("sessionsEnded", (userId) => endRoom(`user:${userId}`));
  events.on("sessionEnded", (sessionId) => endRoom(`session:${sessionId}`));
  return relay;
}
