// The agents connected to this portal process, and the only code that talks to their sockets:
// commands (`command`, typed by protocol/commands.ts), fire-and-forget portal → agent events
// (`emit`, typed by PORTAL_EVENTS in protocol/events.ts), "tell me when this connection goes"
// (`onceGone`) and closing a connection (`kick`, replacement). Everything else names a host and, where
// it matters, the connection it started something on (`connectionId`), never a socket. Keep it that
// way: decision 007 makes this class the seam for running several portal instances (a Socket.IO
// adapter and a shared presence store would go behind these methods), which only holds while
// nothing outside it reaches for a socket.
// A new connection of the same host replaces the old one (a stale socket after a network blip
// must not keep receiving commands); the old socket is closed with a reason.
import { randomUUID } from "node:crypto";
import {
  COMMAND_EVENT,
  COMMANDS,
  type CommandParams,
  type CommandResult,
  type CommandType,
  commandReplySchema,
  DEFAULT_COMMAND_TIMEOUT_MS,
  PORTAL_REFUSED_EVENT,
  type PortalEvent,
  type PortalEventPayload,
  parseMessage,
} from "@wheelhouse/shared";
import type { Socket } from "socket.io";
import { AppError } from "../errors/app-error";
import type { PortalMetrics } from "../metrics/registry";
import { KeyConflicts } from "./key-conflicts";

/** A new connection, as the /agent namespace hands it over. */
export interface AgentConnection {
  hostId: string;
  teamId: string;
  socket: Socket;
  connectedAt: number;
  lastSeen: number;
}

/** What the rest of the portal may know of a connected agent. */
export interface ConnectedAgent {
  readonly hostId: string;
  readonly teamId: string;
  /** Tells this connection from an earlier or later one of the same host. */
  readonly connectionId: string;
  readonly connectedAt: number;
  lastSeen: number;
}

/** One object per connection (thousands of idle agents: bench/agents); the socket stays out of its public type. */
interface Link extends ConnectedAgent {
  readonly socket: Socket;
}

/** Extra time the portal waits beyond the agent's own timeout, for the reply to travel. */
const REPLY_GRACE_MS = 2_000;

export interface AgentRegistryOptions {
  /**
   * For this long after the portal starts, a host without a connection counts as reconnecting: its
   * agent backs off for a few seconds after a portal restart, and work the previous run left queued
   * (deployments, registry pushes) should wait for it rather than fail at once. 0 in unit tests.
   */
  reconnectWindowMs?: number;
}

export class AgentRegistry {
  private readonly links = new Map<string, Link>();
  /** Hosts whose key two agents use in turn (key-conflicts.ts). */
  readonly conflicts = new KeyConflicts();
  private readonly arrivals = new Map<string, Set<() => void>>();
  private readonly reconnectUntil: number;

  constructor(
    private readonly metrics: Pick<PortalMetrics, "agentCommands" | "agentCommandDuration">,
    options: AgentRegistryOptions = {},
  ) {
    this.reconnectUntil = Date.now() + (options.reconnectWindowMs ?? 0);
  }

  /**
   * Resolves true once each of `hostIds` has a connection, waiting only while the portal is young
   * enough that its agents may still be reconnecting (AgentRegistryOptions); false otherwise.
   */
  async awaitReconnects(hostIds: readonly string[]): Promise<boolean> {
    const missing = hostIds.filter((id) => !this.links.has(id));
    const left = this.reconnectUntil - Date.now();
    if (missing.length === 0) return true;
    if (left <= 0) return false;
    const arrived = await Promise.all(missing.map((hostId) => this.arrival(hostId, left)));
    return arrived.every(Boolean);
  }

  /** Whether awaitReconnects would wait now. */
  get reconnecting(): boolean {
    return Date.now() < this.reconnectUntil;
  }

  private arrival(hostId: string, timeoutMs: number): Promise<boolean> {
    if (this.links.has(hostId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiting = this.arrivals.get(hostId) ?? new Set<() => void>();
      this.arrivals.set(hostId, waiting);
      const done = (arrived: boolean) => {
        clearTimeout(timer);
        waiting.delete(onArrival);
        if (waiting.size === 0) this.arrivals.delete(hostId);
        resolve(arrived);
      };
      const onArrival = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      waiting.add(onArrival);
    });
  }

  get count(): number {
    return this.links.size;
  }

  /**
   * Registers a connection. A connection it replaces is told why and closed; it is returned (for the
   * caller's log line), if there was one.
   */
  connect(connection: AgentConnection): ConnectedAgent | undefined {
    const { hostId, teamId, socket, connectedAt, lastSeen } = connection;
    const previous = this.links.get(hostId);
    this.links.set(hostId, { hostId, teamId, connectionId: socket.id, connectedAt, lastSeen, socket });
    for (const arrived of [...(this.arrivals.get(hostId) ?? [])]) arrived();
    if (!previous || previous.socket.id === socket.id) return undefined;
    close(previous.socket, "replaced by a newer connection of this agent");
    return previous;
  }

  /** Forgets the connection if it is still the current one for its host. Returns whether it was. */
  disconnect(hostId: string, connectionId: string): boolean {
    if (this.links.get(hostId)?.connectionId !== connectionId) return false;
    this.links.delete(hostId);
    return true;
  }

  connectedHostIds(): string[] {
    return [...this.links.keys()];
  }

  /** The connected agents of one team. */
  ofTeam(teamId: string): ConnectedAgent[] {
    return [...this.links.values()].filter((link) => link.teamId === teamId);
  }

  get(hostId: string): ConnectedAgent | undefined {
    return this.links.get(hostId);
  }

  /** Whether the host's registered connection is still up (its transport may close before Socket.IO says so). */
  isLive(hostId: string): boolean {
    return this.links.get(hostId)?.socket.connected === true;
  }

  touch(hostId: string, at = Date.now()): void {
    const link = this.links.get(hostId);
    if (link) link.lastSeen = at;
  }

  /**
   * Sends a portal → agent event. With `connectionId`, only over that connection: what belongs to a
   * session or stream started on an earlier connection means nothing to the new one, so it is
   * dropped. Returns whether it was sent. Not parsed here (the agent parses every message, and input
   * and acknowledgements are the hot path); the compiler checks the payload against PORTAL_EVENTS.
   */
  emit<E extends PortalEvent>(
    hostId: string,
    event: E,
    payload: PortalEventPayload<E>,
    connectionId?: string,
  ): boolean {
    const link = this.links.get(hostId);
    if (!link || (connectionId !== undefined && link.connectionId !== connectionId)) return false;
    link.socket.emit(event, payload);
    return true;
  }

  /**
   * Calls `listener` once when this connection of the host closes; returns what stops listening.
   * A connection that is no longer the host's current one has nothing left to report.
   */
  onceGone(hostId: string, connectionId: string, listener: () => void): () => void {
    const link = this.links.get(hostId);
    if (!link || link.connectionId !== connectionId) return () => undefined;
    const { socket } = link;
    socket.once("disconnect", listener);
    return () => socket.off("disconnect", listener);
  }

  /** Closes a host's connection at once (revocation). */
  kick(hostId: string, reason: string): void {
    this.conflicts.forget(hostId);
    const link = this.links.get(hostId);
    if (!link) return;
    this.links.delete(hostId);
    close(link.socket, reason);
  }

  /**
   * Sends a command and waits for its typed result. The id makes a retry safe: the agent answers a
   * repeated id from memory instead of running it again.
   */
  async command<T extends CommandType>(
    hostId: string,
    type: T,
    params: CommandParams<T>,
    options: { timeoutMs?: number; id?: string } = {},
  ): Promise<CommandResult<T>> {
    const started = process.hrtime.bigint();
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    let outcome = "error";
    try {
      const link = this.links.get(hostId);
      if (!link) {
        outcome = "offline";
        throw new AppError(
          "NOT_READY",
          "That host's agent is not connected. Check that it runs and can reach the portal.",
        );
      }
      const envelope = { id: options.id ?? randomUUID(), type, params, timeoutMs };
      let raw: unknown;
      // Socket.IO keeps waiting for an acknowledgement after the connection drops; a deploy step
      // must learn at once that its agent went away.
      let onDisconnect: (() => void) | undefined;
      const dropped = new Promise<"dropped">((resolve) => {
        onDisconnect = () => resolve("dropped");
        link.socket.once("disconnect", onDisconnect);
      });
      try {
        raw = await Promise.race([
          link.socket.timeout(timeoutMs + REPLY_GRACE_MS).emitWithAck(COMMAND_EVENT, envelope),
          dropped,
        ]);
      } catch {
        outcome = "timeout";
        throw new AppError("NOT_READY", `The agent did not answer ${type} within ${Math.round(timeoutMs / 1000)} s.`);
      } finally {
        if (onDisconnect) link.socket.off("disconnect", onDisconnect);
      }
      if (raw === "dropped") {
        outcome = "offline";
        throw new AppError("NOT_READY", `The agent disconnected before it answered ${type}.`);
      }
      const reply = parseMessage(commandReplySchema, raw);
      if (!reply.ok) {
        outcome = "malformed";
        throw new AppError("NOT_READY", `The agent's reply to ${type} was refused (${reply.reason}).`);
      }
      if (!reply.data.ok) {
        outcome = reply.data.error.code === "TIMEOUT" ? "timeout" : "failed";
        throw new AppError(
          reply.data.error.code === "BAD_PARAMS" ? "BAD_INPUT" : "NOT_READY",
          reply.data.error.message,
        );
      }
      const result = parseMessage(COMMANDS[type].result, reply.data.result);
      if (!result.ok) {
        outcome = "malformed";
        throw new AppError("NOT_READY", `The agent's result for ${type} was refused (${result.reason}).`);
      }
      outcome = "ok";
      return result.data as CommandResult<T>;
    } finally {
      this.metrics.agentCommands.inc({ type, outcome });
      this.metrics.agentCommandDuration.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

/** Tells the agent why its connection is being closed (it logs the reason), then closes it. */
function close(socket: Socket, reason: string): void {
  socket.emit(PORTAL_REFUSED_EVENT, { event: "connection", reason });
  socket.disconnect(true);
}
