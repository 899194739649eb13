// The portal's live terminal sessions. A session lives here, not in a browser tab: the tab that
// controls it may reload or lose its network for the grace period and attach again (it gets the
// replay buffer first); other permitted people may watch it read-only; it ends when the process
// exits, when its person closes it, after the idle timeout without input, when the grace period
// passes without its controller, or when the agent goes away.
//
// Flow control (decision 012): output is forwarded to the controlling browser and acknowledged to
// the agent only once the browser says xterm.js has parsed it, so a lagging browser pauses the
// source on the agent. Without a controller (reload, grace period) the portal acknowledges at once:
// the output then only feeds the capped replay buffer and the capped recording. Watchers never slow
// the session down; one that falls too far behind is disconnected.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type {
  PortalEventPayload,
  TerminalEnded,
  TerminalPortalEvent,
  TerminalSize,
  TerminalTarget,
} from "@wheelhouse/shared";
import type { SessionUser } from "../access/sessions";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { Recorder, recordingPathFor } from "./recording";
import { ReplayBuffer } from "./replay-buffer";
import type { ResolvedTarget, TerminalKind } from "./shell-access";
import {
  type EndReason,
  finishSessionRecord,
  recordSessionOpened,
  type SessionFacts,
  startSessionRecord,
} from "./terminal-records";

/** A watcher with this much output it has not acknowledged is disconnected. */
const WATCHER_MAX_UNACKED = 8 * 1024 * 1024;
/** After asking the agent to close a session, wait this long for its exit before ending it anyway. */
const CLOSE_WAIT_MS = 5_000;

export interface TerminalViewer {
  /** The socket's id. */
  id: string;
  userId: string;
  userName: string;
  mode: "control" | "watch";
  output(data: Buffer): void;
  replay(data: Buffer): void;
  notice(message: string): void;
  /** The session ended; the viewer's socket closes after this. */
  ended(info: TerminalEnded): void;
  /** Disconnects this viewer (replaced by another tab, or fell behind). */
  kick(message: string): void;
}

interface Attached {
  viewer: TerminalViewer;
  /** Output sent to this browser that it has not acknowledged yet. */
  unacked: number;
}

/** A session while it runs: its stored facts (the row it will update) and what only memory holds. */
export interface LiveSession extends SessionFacts {
  kind: TerminalKind;
  size: TerminalSize;
  replay: ReplayBuffer;
  recorder: Recorder;
  recordingPath: string;
  controller: Attached | null;
  watchers: Map<string, Attached>;
  idleTimer: NodeJS.Timeout | undefined;
  graceTimer: NodeJS.Timeout | undefined;
  closeTimer: NodeJS.Timeout | undefined;
  /** The agent connection the session runs on; a reconnected agent does not have it any more. */
  agentConnectionId: string;
  dropAgentListener: () => void;
  ending: boolean;
  /** Why the portal asked the agent to end it; the agent's exit report then carries this reason. */
  endReasonRequested: EndReason | undefined;
}

export const END_MESSAGES: Record<EndReason, string> = {
  exited: "The shell exited.",
  closed: "The session was closed.",
  idle: "The session was closed after a period without input.",
  detached: "The session was closed because its browser did not come back in time.",
  "agent-lost": "The host's agent disconnected; the session ended with it.",
  "portal-restart": "The portal restarted; the session ended with it.",
  failed: "The session could not be started.",
  revoked:
    "The session was closed because its owner's access changed (role lowered, shell grant taken away, signed out, account disabled, now working in another team, or a second factor now required).",
};

export class TerminalManager {
  private readonly sessions = new Map<string, LiveSession>();

  constructor(private readonly services: Pick<PortalServices, "db" | "agents" | "config" | "logger" | "metrics">) {}

  get activeCount(): number {
    return this.sessions.size;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Starts a session on the agent; the caller has checked permission (shell-access.ts). */
  async open(
    user: SessionUser,
    ip: string,
    resolved: ResolvedTarget,
    target: TerminalTarget,
    size: TerminalSize,
  ): Promise<LiveSession> {
    const { agents, config, logger, metrics } = this.services;
    const agent = agents.get(resolved.host.id);
    if (!agent) {
      throw new AppError(
        "NOT_READY",
        "That host's agent is not connected. Check that it runs and can reach the portal.",
      );
    }
    const startedAt = new Date();
    const record = await startSessionRecord(this.services.db, {
      user,
      ip,
      kind: target.kind,
      resolved,
      command: target.kind === "container" ? (target.command ?? []) : [],
      startedAt,
    });
    const recordingPath = recordingPathFor(record.id, startedAt);
    const title =
      target.kind === "host" ? `host ${resolved.host.name}` : `${resolved.container?.name} on ${resolved.host.name}`;
    const session: LiveSession = {
      id: record.id,
      teamId: user.team.id,
      kind: target.kind,
      hostId: resolved.host.id,
      hostName: resolved.host.name,
      containerId: resolved.container?.id ?? null,
      containerName: resolved.container?.name ?? null,
      ownerId: user.id,
      ownerEmail: user.email,
      command: [],
      startedAt,
      size,
      replay: new ReplayBuffer(),
      recorder: new Recorder(
        join(config.dataDir, recordingPath),
        { size, startedAt, title, command: [] },
        config.terminal.recordingMaxBytes,
        (error) => logger.error({ err: error, sessionId: record.id }, "could not write a terminal recording"),
      ),
      recordingPath,
      controller: null,
      watchers: new Map(),
      bytesOut: 0,
      bytesIn: 0,
      idleTimer: undefined,
      graceTimer: undefined,
      closeTimer: undefined,
      agentConnectionId: agent.connectionId,
      dropAgentListener: () => undefined,
      ending: false,
      endReasonRequested: undefined,
    };
    // Registered before the agent starts it: the first output may arrive before the command's reply.
    this.sessions.set(session.id, session);
    const onAgentGone = () => void this.finish(session, "agent-lost", null);
    session.dropAgentListener = agents.onceGone(session.hostId, agent.connectionId, onAgentGone);
    metrics.terminalSessions.inc({ kind: target.kind });
    metrics.terminalSessionsActive.inc();
    try {
      const result = await agents.command(
        session.hostId,
        "terminal.open",
        { sessionId: session.id, target, size },
        { timeoutMs: 20_000 },
      );
      session.command = result.command;
      await recordSessionOpened(this.services.db, session, user, ip);
    } catch (error) {
      await this.finish(session, "failed", null, error instanceof Error ? error.message : String(error));
      throw error;
    }
    this.touch(session);
    // Until its browser attaches, a new session is as good as detached.
    if (!session.controller) this.startGrace(session);
    logger.info({ sessionId: session.id, kind: session.kind, hostId: session.hostId }, "terminal session opened");
    return session;
  }

  /** Attaches a browser: the controller (only the owner; a second tab replaces the first) or a watcher. */
  attach(session: LiveSession, viewer: TerminalViewer): void {
    const entry: Attached = { viewer, unacked: 0 };
    if (viewer.mode === "control") {
      const previous = session.controller;
      if (previous) {
        this.releaseController(session, previous);
        previous.viewer.kick("This session was opened in another tab or window.");
      }
      session.controller = entry;
      clearTimeout(session.graceTimer);
      session.graceTimer = undefined;
    } else {
      session.watchers.set(viewer.id, entry);
      session.controller?.viewer.notice(`${viewer.userName} is watching this session (read-only).`);
    }
    const replay = session.replay.contents();
    if (replay.length > 0) viewer.replay(replay);
  }

  detach(session: LiveSession, viewerId: string): void {
    if (session.controller?.viewer.id === viewerId) {
      this.releaseController(session, session.controller);
      session.controller = null;
      if (!session.ending) this.startGrace(session);
      return;
    }
    session.watchers.delete(viewerId);
  }

  input(session: LiveSession, viewerId: string, data: Buffer): void {
    if (session.controller?.viewer.id !== viewerId || session.ending) return;
    session.bytesIn += data.length;
    this.touch(session);
    this.toAgent(session, "portal:terminal-input", { sessionId: session.id, data });
  }

  resize(session: LiveSession, viewerId: string, size: TerminalSize): void {
    if (session.controller?.viewer.id !== viewerId || session.ending) return;
    if (size.cols === session.size.cols && size.rows === session.size.rows) return;
    session.size = size;
    session.recorder.resize(size);
    this.toAgent(session, "portal:terminal-resize", { sessionId: session.id, size });
  }

  /** A browser's acknowledgement of output xterm.js has parsed. */
  ack(session: LiveSession, viewerId: string, bytes: number): void {
    const controller = session.controller;
    if (controller?.viewer.id === viewerId) {
      const freed = Math.min(bytes, controller.unacked);
      controller.unacked -= freed;
      if (freed > 0) this.ackAgent(session, freed);
      return;
    }
    const watcher = session.watchers.get(viewerId);
    if (watcher) watcher.unacked = Math.max(0, watcher.unacked - bytes);
  }

  /**
   * Output from the agent (after its schema was checked): to the browsers, the replay buffer and the
   * recording. "other-host": the session runs on another host, and the reporting agent is refused.
   */
  agentOutput(hostId: string, sessionId: string, data: Buffer): "delivered" | "unknown" | "other-host" {
    const session = this.sessions.get(sessionId);
    // A session that just ended may still get output in flight: nothing to do.
    if (!session) return "unknown";
    if (session.hostId !== hostId) return "other-host";
    session.bytesOut += data.length;
    session.replay.push(data);
    session.recorder.output(data);
    for (const [id, watcher] of session.watchers) {
      watcher.unacked += data.length;
      if (watcher.unacked > WATCHER_MAX_UNACKED) {
        session.watchers.delete(id);
        watcher.viewer.kick("Your browser fell too far behind this session's output. Reload to watch again.");
        continue;
      }
      watcher.viewer.output(data);
    }
    const controller = session.controller;
    if (controller) {
      controller.unacked += data.length;
      controller.viewer.output(data);
    } else {
      this.ackAgent(session, data.length);
    }
    return "delivered";
  }

  agentExit(
    hostId: string,
    sessionId: string,
    exitCode: number | null,
    message: string | undefined,
  ): "delivered" | "unknown" | "other-host" {
    const session = this.sessions.get(sessionId);
    if (!session) return "unknown";
    if (session.hostId !== hostId) return "other-host";
    void this.finish(session, session.endReasonRequested ?? "exited", exitCode, message);
    return "delivered";
  }

  /** Asks the agent to end the process; the session ends when the agent reports the exit (or after a wait). */
  async close(session: LiveSession, reason: EndReason): Promise<void> {
    if (session.ending) return;
    session.ending = true;
    session.endReasonRequested = reason;
    session.closeTimer = setTimeout(() => void this.finish(session, reason, null), CLOSE_WAIT_MS);
    session.closeTimer.unref();
    try {
      await this.services.agents.command(session.hostId, "terminal.close", { sessionId: session.id });
    } catch (error) {
      this.services.logger.warn({ err: error, sessionId: session.id }, "the agent did not confirm closing a terminal");
      await this.finish(session, reason, null);
    }
  }

  /** Ends every live session (the portal is stopping). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.finish(session, "portal-restart", null)));
  }

  /** The live sessions this person opened (to end those they may no longer hold: shell-revocation.ts). */
  ownedBy(userId: string): LiveSession[] {
    return [...this.sessions.values()].filter((session) => session.ownerId === userId);
  }

  /** Everyone who owns a live session. */
  owners(): Set<string> {
    return new Set([...this.sessions.values()].map((session) => session.ownerId));
  }

  private startGrace(session: LiveSession): void {
    clearTimeout(session.graceTimer);
    session.graceTimer = setTimeout(() => void this.close(session, "detached"), this.services.config.terminal.graceMs);
    session.graceTimer.unref();
  }

  private touch(session: LiveSession): void {
    clearTimeout(session.idleTimer);
    session.idleTimer = setTimeout(() => void this.close(session, "idle"), this.services.config.terminal.idleMs);
    session.idleTimer.unref();
  }

  private releaseController(session: LiveSession, controller: Attached): void {
    if (controller.unacked > 0) this.ackAgent(session, controller.unacked);
    controller.unacked = 0;
  }

  private ackAgent(session: LiveSession, bytes: number): void {
    this.toAgent(session, "portal:terminal-ack", { sessionId: session.id, bytes });
  }

  private toAgent<E extends TerminalPortalEvent>(session: LiveSession, event: E, payload: PortalEventPayload<E>) {
    this.services.agents.emit(session.hostId, event, payload, session.agentConnectionId);
  }

  private async finish(session: LiveSession, reason: EndReason, exitCode: number | null, detail?: string) {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    session.ending = true;
    clearTimeout(session.idleTimer);
    clearTimeout(session.graceTimer);
    clearTimeout(session.closeTimer);
    session.dropAgentListener();
    this.services.metrics.terminalSessionsActive.dec();
    const message = detail && reason !== "exited" ? `${END_MESSAGES[reason]} ${detail}` : END_MESSAGES[reason];
    const viewers = [session.controller, ...session.watchers.values()].filter((entry) => entry !== null);
    session.controller = null;
    session.watchers.clear();
    // The row and the recording are complete before anyone is told (a reload then finds them).
    try {
      await session.recorder.close();
      // A session that never started has nothing worth keeping.
      if (reason === "failed") await rm(join(this.services.config.dataDir, session.recordingPath), { force: true });
      await finishSessionRecord(this.services.db, session, {
        reason,
        exitCode,
        recordingBytes: session.recorder.bytes,
        recordingTruncated: session.recorder.truncated,
      });
    } catch (error) {
      this.services.logger.error(
        { err: error, sessionId: session.id },
        "could not record the end of a terminal session",
      );
    }
    for (const { viewer } of viewers) viewer.ended({ exitCode, reason, message });
    this.services.logger.info({ sessionId: session.id, reason, exitCode }, "terminal session ended");
  }
}
