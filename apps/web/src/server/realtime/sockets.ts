// Socket.IO on the portal's HTTP server. Namespaces:
//   /ui, /logs, /terminal  browsers, each opened through the one gate (realtime/browser-gate.ts):
//          Origin, session cookie, permission, audited refusals, re-checked while connected;
//   /agent host agents, authenticated by their agent key (realtime/agent-namespace.ts).
// Heartbeats: Socket.IO pings every 5 s and drops a peer silent for 5 s more, so a dead agent is
// noticed well within the 15 s after which a host is shown Lost.
import type { Server as HttpServer } from "node:http";
import { TRANSPORT_MAX_BYTES } from "@wheelhouse/shared";
import { Server } from "socket.io";
import { SampleWriter } from "../hosts/host-telemetry";
import { attachLogsNamespace } from "../logs/logs-namespace";
import type { PortalMetrics } from "../metrics/registry";
import type { PortalServices } from "../services";
import { attachTerminalNamespace } from "../terminal/terminal-namespace";
import { attachAgentNamespace } from "./agent-namespace";
import { BrowserGate } from "./browser-gate";

export interface Sockets {
  io: Server;
  /** Closes every socket and writes what the agents reported but is not stored yet. */
  close(): Promise<void>;
}

/**
 * A listener that gathers the ids changed in a team and sends them as one hint `delayMs` after the
 * first: at most one hint per team per `delayMs`, naming every id of the burst.
 */
function batchedPerTeam(delayMs: number, send: (teamId: string, ids: string[]) => void) {
  const pending = new Map<string, Set<string>>();
  return (teamId: string, id: string) => {
    const ids = pending.get(teamId);
    if (ids) {
      ids.add(id);
      return;
    }
    pending.set(teamId, new Set([id]));
    setTimeout(() => {
      const batch = [...(pending.get(teamId) ?? [])];
      pending.delete(teamId);
      send(teamId, batch);
    }, delayMs).unref();
  };
}

export function attachSockets(httpServer: HttpServer, services: PortalServices, metrics: PortalMetrics): Sockets {
  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: TRANSPORT_MAX_BYTES,
    pingInterval: 5_000,
    pingTimeout: 5_000,
  });

  const gate = new BrowserGate(io, services);
  const ui = gate.attach({
    name: "/ui",
    permission: "portal.read",
    connection: ({ socket, user }) => {
      socket.join(`team:${user.team.id}`);
      metrics.uiSockets.inc();
      socket.on("disconnect", () => metrics.uiSockets.dec());
    },
    // Signed out: the page goes to sign-in at once. The session now works in another team (switched
    // in another tab, or removed from this team): it reloads there. Access changed (a second factor
    // became required): it refetches, and the portal shell sends the person to enrol
    // (client/use-session-socket.ts).
    ending: ({ socket }, { cause, message }) => {
      if (cause === "team-changed") socket.emit("team:changed", { reason: message });
      else if (cause === "access-changed") socket.emit("access:changed", { reason: message });
      else socket.emit("session:ended", { reason: message });
    },
    // Every role reads the portal; a changed role changes which actions the page offers.
    revalidate: async ({ socket, user }, previous) => {
      if (user.role !== previous.role) socket.emit("access:changed", { role: user.role });
    },
  });

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
  services.events.on(
    "deploymentChanged",
    batchedPerTeam(200, (teamId, ids) => ui.to(`team:${teamId}`).emit("apps:changed", { deploymentIds: ids })),
  );
  // Incident pages and lists refetch on this hint; a burst of signals, or automatic runbook steps
  // finishing together, is one refetch.
  services.events.on(
    "incidentChanged",
    batchedPerTeam(500, (teamId, ids) => ui.to(`team:${teamId}`).emit("incidents:changed", { incidentIds: ids })),
  );
  // The Approvals page, a request's page and the app page's banner refetch on this hint.
  services.events.on(
    "approvalChanged",
    batchedPerTeam(200, (teamId, ids) => ui.to(`team:${teamId}`).emit("approvals:changed", { requestIds: ids })),
  );
  // The Certificates pages and the app page's HTTPS card refetch on this hint (Pending → Active).
  services.events.on(
    "certificateChanged",
    batchedPerTeam(200, (teamId, ids) => ui.to(`team:${teamId}`).emit("certificates:changed", { certificateIds: ids })),
  );
  // A full disk is logged once a minute by db/write-health.ts, not once per flush.
  const samples = new SampleWriter(
    services.db,
    (error) =>
      services.writes.noticeFailure(error) || services.logger.error({ err: error }, "could not write host samples"),
  );
  // The log relay takes the agents' batches straight from the /agent handlers (a hot path).
  const logs = attachLogsNamespace(gate, services, metrics);
  attachAgentNamespace(io.of("/agent"), services, samples, logs, notifyTeam);
  attachTerminalNamespace(gate, services, services.terminals, services.terminalTokens);

  return {
    io,
    async close() {
      gate.close();
      io.close();
      await samples.close();
    },
  };
}
