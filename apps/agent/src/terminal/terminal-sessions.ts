// The agent's open terminal sessions: one source each (a container exec or a host pty), output
// sent to the portal in chunks with credit-based flow control (packages/shared protocol/terminal.ts),
// input and resizes applied as they come. When the link to the portal drops every session ends:
// the portal has already given them up, and a shell nobody can reach is an open door.
import {
  type AgentEvent,
  type AgentEventPayload,
  type CommandParams,
  type CommandResult,
  TERMINAL_CHUNK_MAX_BYTES,
  TERMINAL_WINDOW_HIGH,
  TERMINAL_WINDOW_LOW,
  type TerminalPortalEvent,
  type TerminalPortalPayload,
  toBuffer,
} from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { Logger } from "../logger";
import { openContainerShell } from "./container-exec";
import { openHostShell } from "./host-pty";
import type { TerminalSource } from "./terminal-source";

type Send = <E extends AgentEvent>(event: E, payload: AgentEventPayload<E>) => void;

interface Session {
  id: string;
  source: TerminalSource;
  /** Output bytes sent and not yet acknowledged. */
  unacked: number;
  paused: boolean;
  closed: boolean;
}

export class TerminalSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly docker: Docker,
    private readonly logger: Logger,
    private readonly send: Send,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  async open({ sessionId, target, size }: CommandParams<"terminal.open">): Promise<CommandResult<"terminal.open">> {
    const existing = this.sessions.get(sessionId);
    if (existing) return { command: existing.source.command };
    const onProblem = (error: unknown, what: string) =>
      this.logger.warn({ err: error, sessionId, what }, "terminal session problem");
    const source =
      target.kind === "host"
        ? openHostShell(size)
        : await openContainerShell(this.docker, target.containerId, target.command, size, onProblem);
    const session: Session = { id: sessionId, source, unacked: 0, paused: false, closed: false };
    this.sessions.set(sessionId, session);
    source.onData((chunk) => this.output(session, chunk));
    source.onExit((exitCode, message) => {
      this.sessions.delete(sessionId);
      session.closed = true;
      this.send("agent:terminal-exit", { sessionId, exitCode, ...(message ? { message } : {}) });
      this.logger.info({ sessionId, exitCode }, "terminal session ended");
    });
    this.logger.info({ sessionId, kind: target.kind, command: source.command }, "terminal session opened");
    return { command: source.command };
  }

  close(sessionId: string): void {
    this.sessions.get(sessionId)?.source.close();
  }

  /** Ends every session (the link to the portal dropped, or the agent stops). */
  closeAll(): void {
    for (const session of this.sessions.values()) session.source.close();
  }

  private output(session: Session, chunk: Buffer): void {
    for (let at = 0; at < chunk.length; at += TERMINAL_CHUNK_MAX_BYTES) {
      const data = chunk.subarray(at, at + TERMINAL_CHUNK_MAX_BYTES);
      session.unacked += data.length;
      this.send("agent:terminal-output", { sessionId: session.id, data });
    }
    if (!session.paused && session.unacked >= TERMINAL_WINDOW_HIGH) {
      session.paused = true;
      session.source.pause();
    }
  }

  /** The portal's terminal events: input, resize and acknowledgements. Returns false for an unknown session. */
  handle<E extends TerminalPortalEvent>(event: E, payload: TerminalPortalPayload<E>): boolean {
    const session = this.sessions.get(payload.sessionId);
    if (!session) return false;
    if (event === "portal:terminal-input") {
      session.source.write(toBuffer((payload as TerminalPortalPayload<"portal:terminal-input">).data));
    } else if (event === "portal:terminal-resize") {
      session.source.resize((payload as TerminalPortalPayload<"portal:terminal-resize">).size);
    } else {
      const { bytes } = payload as TerminalPortalPayload<"portal:terminal-ack">;
      session.unacked = Math.max(0, session.unacked - bytes);
      if (session.paused && session.unacked <= TERMINAL_WINDOW_LOW) {
        session.paused = false;
        session.source.resume();
      }
    }
    return true;
  }
}
