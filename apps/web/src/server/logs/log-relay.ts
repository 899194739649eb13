// The portal's side of log streams: a viewer's stream (one browser subscription) fans out to one
// agent subscription per source (an app has one per instance), and the relay passes batches
// through, tagged with their source, and acknowledgements back, so the agent's window is the
// viewer's window end to end: a slow browser slows its own stream at the agent, which drops with
// a count ("N lines skipped") instead of anything buffering without bound here.
// The relay remembers each source's cursor (last timestamp and count), so when an agent reconnects
// its streams are subscribed again from where they were.
import { randomUUID } from "node:crypto";
import {
  CursorTracker,
  LOG_ACK_EVENT,
  type LogBatch,
  type LogCursor,
  type LogEnd,
  type LogFilter,
  type LogLine,
  type LogStart,
  type ViewerBatch,
  type ViewerEnd,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import type { AgentRegistry } from "../hosts/agent-registry";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";
import { DeploymentFeed } from "./deployment-feed";
import type { ResolvedSource } from "./log-targets";

export interface ViewerSink {
  batch(batch: ViewerBatch): void;
  end(end: ViewerEnd): void;
}

export interface StreamOptions {
  start: LogStart;
  filter: LogFilter;
  follow: boolean;
  resume: Record<string, LogCursor>;
}

interface AgentSub {
  agentStreamId: string;
  key: string;
  hostId: string;
  /** The agent connection the subscription lives on; another one means "subscribe again". */
  socketId: string | null;
  source: Extract<ResolvedSource, { kind: "agent" }>["source"];
  tracker: CursorTracker;
  viewer: ViewerStream;
  ended: boolean;
}

interface ViewerStream {
  id: string;
  streamId: string;
  sink: ViewerSink;
  options: StreamOptions;
  nextBatch: number;
  /** Viewer batch number → the agent batch to acknowledge. */
  pending: Map<number, { sub: AgentSub; socketId: string | null; batch: number }>;
  agentSubs: AgentSub[];
  feeds: DeploymentFeed[];
  closed: boolean;
}

type RelayMetrics = Pick<PortalMetrics, "logLinesRelayed" | "logFollowers">;

export class LogRelay {
  private readonly viewers = new Map<string, ViewerStream>();
  private readonly subs = new Map<string, AgentSub>();

  constructor(
    private readonly db: Db,
    private readonly agents: AgentRegistry,
    private readonly metrics: RelayMetrics,
    private readonly logger: Logger,
  ) {}

  get openStreams(): number {
    return this.viewers.size;
  }

  /** Opens a viewer's stream over its sources. `id` is unique per viewer connection and stream. */
  open(id: string, streamId: string, sources: ResolvedSource[], options: StreamOptions, sink: ViewerSink): void {
    this.close(id);
    const viewer: ViewerStream = {
      id,
      streamId,
      sink,
      options,
      nextBatch: 0,
      pending: new Map(),
      agentSubs: [],
      feeds: [],
      closed: false,
    };
    this.viewers.set(id, viewer);
    this.metrics.logFollowers.inc();
    for (const source of sources) {
      if (source.kind === "agent") {
        const sub: AgentSub = {
          agentStreamId: `ls_${randomUUID()}`,
          key: source.key,
          hostId: source.hostId,
          socketId: null,
          source: source.source,
          tracker: new CursorTracker(options.resume[source.key]),
          viewer,
          ended: false,
        };
        viewer.agentSubs.push(sub);
        this.subs.set(sub.agentStreamId, sub);
        void this.subscribe(sub);
      } else {
        const tracker = new CursorTracker(options.resume[source.key]);
        const feed = new DeploymentFeed(this.db, source.deploymentId, options.filter, options.follow, {
          lines: (lines) => this.deliver(viewer, source.key, 0, lines, tracker),
          done: () => this.endSource(viewer, { streamId, source: source.key, reason: "done" }),
        });
        viewer.feeds.push(feed);
        feed
          .start(options.start, options.resume[source.key])
          .catch((error: unknown) => this.failSource(viewer, source.key, error));
      }
    }
  }

  private async subscribe(sub: AgentSub): Promise<void> {
    const agent = this.agents.get(sub.hostId);
    if (!agent) {
      this.failSource(sub.viewer, sub.key, new AppError("NOT_READY", "That host's agent is not connected."));
      return;
    }
    sub.socketId = agent.connectionId;
    const { options } = sub.viewer;
    const resume = sub.tracker.cursor;
    try {
      await this.agents.command(sub.hostId, "logs.subscribe", {
        streamId: sub.agentStreamId,
        source: sub.source,
        start: resume ? {} : options.start,
        ...(resume ? { resume } : {}),
        filter: options.filter,
        follow: options.follow,
      });
    } catch (error) {
      if (sub.viewer.closed) return;
      this.failSource(sub.viewer, sub.key, error);
    }
  }

  /** An agent (re)connected: its subscriptions made on an earlier connection start again from their cursors. */
  agentConnected(hostId: string): void {
    const socketId = this.agents.get(hostId)?.connectionId;
    if (!socketId) return;
    for (const sub of this.subs.values()) {
      if (sub.hostId !== hostId || sub.ended || sub.socketId === socketId || sub.socketId === null) continue;
      this.logger.info({ hostId, stream: sub.agentStreamId }, "resuming a log stream after the agent reconnected");
      void this.subscribe(sub);
    }
  }

  /** "other-host": the stream is another host's, and the reporting agent is refused. */
  agentBatch(hostId: string, batch: LogBatch): "delivered" | "unknown" | "other-host" {
    const sub = this.subs.get(batch.streamId);
    if (sub && sub.hostId !== hostId) return "other-host";
    if (!sub) {
      // A stream nobody reads any more (the viewer left while it was in flight): stop it at the source.
      this.unsubscribeAtAgent(hostId, batch.streamId);
      return "unknown";
    }
    const viewer = sub.viewer;
    const n = this.deliver(viewer, sub.key, batch.skipped, batch.lines, sub.tracker);
    viewer.pending.set(n, { sub, socketId: sub.socketId, batch: batch.batch });
    return "delivered";
  }

  agentEnd(hostId: string, end: LogEnd): "delivered" | "unknown" | "other-host" {
    const sub = this.subs.get(end.streamId);
    if (sub && sub.hostId !== hostId) return "other-host";
    if (!sub) return "unknown";
    sub.ended = true;
    this.subs.delete(end.streamId);
    this.endSource(sub.viewer, {
      streamId: sub.viewer.streamId,
      source: sub.key,
      reason: end.reason,
      message: end.message,
    });
    return "delivered";
  }

  /** The viewer read batch `batch`: free the slot at the agent that sent it. */
  ack(id: string, batch: number): void {
    const viewer = this.viewers.get(id);
    const pending = viewer?.pending.get(batch);
    if (!viewer || !pending) return;
    viewer.pending.delete(batch);
    // Only over the connection that sent the batch, and while the stream still lives on it.
    if (pending.socketId === null || pending.sub.socketId !== pending.socketId) return;
    const ack = { streamId: pending.sub.agentStreamId, batch: pending.batch };
    this.agents.emit(pending.sub.hostId, LOG_ACK_EVENT, ack, pending.socketId);
  }

  /** A deployment changed: its feeds read what is new. */
  deploymentChanged(deploymentId: string): void {
    for (const viewer of this.viewers.values()) {
      for (const feed of viewer.feeds) {
        if (feed.deploymentId !== deploymentId) continue;
        feed.poke().catch((error: unknown) => this.failSource(viewer, `deployment:${deploymentId}`, error));
      }
    }
  }

  close(id: string): void {
    const viewer = this.viewers.get(id);
    if (!viewer) return;
    viewer.closed = true;
    this.viewers.delete(id);
    this.metrics.logFollowers.dec();
    for (const feed of viewer.feeds) feed.close();
    for (const sub of viewer.agentSubs) {
      this.subs.delete(sub.agentStreamId);
      if (!sub.ended && sub.socketId) this.unsubscribeAtAgent(sub.hostId, sub.agentStreamId);
    }
  }

  private unsubscribeAtAgent(hostId: string, streamId: string): void {
    if (!this.agents.get(hostId)) return;
    this.agents.command(hostId, "logs.unsubscribe", { streamId }).catch((error: unknown) => {
      this.logger.debug({ err: error, hostId, streamId }, "could not end a log stream at its agent");
    });
  }

  /** Sends a batch to the viewer; returns its viewer batch number. */
  private deliver(viewer: ViewerStream, source: string, skipped: number, lines: LogLine[], tracker: CursorTracker) {
    viewer.nextBatch += 1;
    for (const line of lines) tracker.advance(line.ts);
    this.metrics.logLinesRelayed.inc(lines.length);
    viewer.sink.batch({ streamId: viewer.streamId, batch: viewer.nextBatch, source, skipped, lines });
    return viewer.nextBatch;
  }

  private endSource(viewer: ViewerStream, end: ViewerEnd): void {
    if (viewer.closed) return;
    viewer.sink.end(end);
  }

  private failSource(viewer: ViewerStream, source: string, error: unknown): void {
    const message = error instanceof AppError ? error.message : "The log could not be read; the error has been logged.";
    if (!(error instanceof AppError)) this.logger.error({ err: error, source }, "a log stream failed");
    const sub = viewer.agentSubs.find((s) => s.key === source);
    if (sub) {
      sub.ended = true;
      this.subs.delete(sub.agentStreamId);
    }
    this.endSource(viewer, { streamId: viewer.streamId, source, reason: "error", message });
  }
}
