// The agents connected to this portal process, and the one way to send them commands.
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
  parseMessage,
} from "@wheelhouse/shared";
import type { Socket } from "socket.io";
import { AppError } from "../errors/app-error";
import type { PortalMetrics } from "../metrics/registry";
import { KeyConflicts } from "./key-conflicts";

export interface ConnectedAgent {
  hostId: string;
  teamId: string;
  socket: Socket;
  connectedAt: number;
  lastSeen: number;
}

/** Extra time the portal waits beyond the agent's own timeout, for the reply to travel. */
const REPLY_GRACE_MS = 2_000;

export class AgentRegistry {
  private readonly agents = new Map<string, ConnectedAgent>();
  /** Hosts whose key two agents use in turn (key-conflicts.ts). */
  readonly conflicts = new KeyConflicts();

  constructor(private readonly metrics: Pick<PortalMetrics, "agentCommands" | "agentCommandDuration">) {}

  get count(): number {
    return this.agents.size;
  }

  /** Registers a connection; returns the one it replaced, if any. */
  connect(agent: ConnectedAgent): ConnectedAgent | undefined {
    const previous = this.agents.get(agent.hostId);
    this.agents.set(agent.hostId, agent);
    return previous && previous.socket.id !== agent.socket.id ? previous : undefined;
  }

  /** Forgets the connection if it is still the current one for its host. Returns whether it was. */
  disconnect(hostId: string, socketId: string): boolean {
    const current = this.agents.get(hostId);
    if (current?.socket.id !== socketId) return false;
    this.agents.delete(hostId);
    return true;
  }

  connectedHostIds(): string[] {
    return [...this.agents.keys()];
  }

  /** The connected agents of one team. */
  ofTeam(teamId: string): ConnectedAgent[] {
    return [...this.agents.values()].filter((agent) => agent.teamId === teamId);
  }

  get(hostId: string): ConnectedAgent | undefined {
    return this.agents.get(hostId);
  }

  touch(hostId: string, at = Date.now()): void {
    const agent = this.agents.get(hostId);
    if (agent) agent.lastSeen = at;
  }

  /** Closes a host's connection at once (revocation). */
  kick(hostId: string, reason: string): void {
    this.conflicts.forget(hostId);
    const agent = this.agents.get(hostId);
    if (!agent) return;
    this.agents.delete(hostId);
    agent.socket.emit("portal:refused", { event: "connection", reason });
    agent.socket.disconnect(true);
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
      const agent = this.agents.get(hostId);
      if (!agent) {
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
        agent.socket.once("disconnect", onDisconnect);
      });
      try {
        raw = await Promise.race([
          agent.socket.timeout(timeoutMs + REPLY_GRACE_MS).emitWithAck(COMMAND_EVENT, envelope),
          dropped,
        ]);
      } catch {
        outcome = "timeout";
        throw new AppError("NOT_READY", `The agent did not answer ${type} within ${Math.round(timeoutMs / 1000)} s.`);
      } finally {
        if (onDisconnect) agent.socket.off("disconnect", onDisconnect);
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
