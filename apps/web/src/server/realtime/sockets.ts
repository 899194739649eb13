// Socket.IO on the portal's HTTP server. Namespaces:
//   /ui    browsers, authenticated by the same session cookie and permission check as tRPC;
//   /agent host agents, authenticated by their agent key (realtime/agent-namespace.ts).
// Heartbeats: Socket.IO pings every 5 s and drops a peer silent for 5 s more, so a dead agent is
// noticed well within the 15 s after which a host is shown Lost.
import type { Server as HttpServer } from "node:http";
import { TRANSPORT_MAX_BYTES } from "@wheelhouse/shared";
import { Server, type Socket } from "socket.io";
import { authorize } from "../access/authorize";
import { readSessionToken } from "../access/session-cookie";
import { resolveSession, type SessionUser } from "../access/sessions";
import { AppError } from "../errors/app-error";
import { SampleWriter } from "../hosts/host-telemetry";
import { attachLogsNamespace } from "../logs/logs-namespace";
import type { PortalMetrics } from "../metrics/registry";
import type { PortalServices } from "../services";
import { attachTerminalNamespace } from "../terminal/terminal-namespace";
import { attachAgentNamespace } from "./agent-namespace";

interface UiSocketData {
  user: SessionUser;
}

/** Browsers send Origin on WebSocket upgrades; only our own pages may open a socket with our cookie. */
function originAllowed(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (!origin) return false;
  if (origin === new URL(publicUrl).origin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export interface Sockets {
  io: Server;
  /** Closes every socket and writes what the agents reported but is not stored yet. */
  close(): Promise<void>;
}

export function attachSockets(httpServer: HttpServer, services: PortalServices, metrics: PortalMetrics): Sockets {
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: TRANSPORT_MAX_BYTES,
    pingInterval: 5_000,
    pingTimeout: 5_000,
  });

  const ui = io.of("/ui");
  ui.use(async (socket: Socket, next) => {
    const { headers } = socket.handshake;
    if (!originAllowed(headers.origin, headers.host, services.config.publicUrl)) {
      next(new Error("This page's origin may not open a Wheelhouse socket."));
      return;
    }
    try {
      const user = await resolveSession(services.db, readSessionToken(headers.cookie));
      (socket.data as UiSocketData).user = await authorize(services.db, user, "portal.read", socket.handshake.address);
      next();
    } catch (error) {
      next(new Error(error instanceof AppError ? error.message : "Could not check your session."));
    }
  });
  ui.on("connection", (socket) => {
    const { user } = socket.data as UiSocketData;
    socket.join([`user:${user.id}`, `session:${user.sessionId}`, `team:${user.team.id}`]);
    metrics.uiSockets.inc();
    socket.on("disconnect", () => metrics.uiSockets.dec());
  });

  const endRoom = (room: string) => {
    ui.to(room).emit("session:ended", { reason: "Your session has ended. Sign in again to continue." });
    ui.in(room).disconnectSockets(true);
  };
  services.events.on("sessionsEnded", (userId) => endRoom(`user:${userId}`));
  services.events.on("sessionEnded", (sessionId) => endRoom(`session:${sessionId}`));

  // Browsers refetch their host list on this hint; at most one hint per team per second.
  const pendingTeams = new Set<string>();
  const notifyTeam = (teamId: string) => {
    if (pendingTeams.has(teamId)) return;
    pendingTeams.add(teamId);
    setTimeout(() => {
      pendingTeams.delete(teamId);
      ui.to(`team:${teamId}`).emit("hosts:changed");
    }, 1_000).unref();
  };
  // Deployment progress is shown live: a hint per team at most every 200 ms, naming the deployment.
  const pendingDeployments = new Map<string, Set<string>>();
  services.events.on("deploymentChanged", (teamId, deploymentId) => {
    const pending = pendingDeployments.get(teamId);
    if (pending) {
      pending.add(deploymentId);
      return;
    }
    pendingDeployments.set(teamId, new Set([deploymentId]));
    setTimeout(() => {
      const ids = [...(pendingDeployments.get(teamId) ?? [])];
      pendingDeployments.delete(teamId);
      ui.to(`team:${teamId}`).emit("apps:changed", { deploymentIds: ids });
    }, 200).unref();
  });
  const samples = new SampleWriter(services.db, (error) =>
    services.logger.error({ err: error }, "could not write host samples"),
  );
  attachAgentNamespace(io.of("/agent"), services, samples, notifyTeam);
  attachLogsNamespace(io.of("/logs"), services, metrics, (origin, host) =>
    originAllowed(origin, host, services.config.publicUrl),
  );
  attachTerminalNamespace(io.of("/terminal"), services, services.terminals, services.terminalTokens, (origin, host) =>
    originAllowed(origin, host, services.config.publicUrl),
  );

  return {
    io,
    async close() {
      io.close();
      await samples.close();
    },
  };
}
