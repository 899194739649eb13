// The agent's log multiplexer: subscriptions from the portal, each with its own filter and window,
// over at most ONE live follow per source (container) however many subscriptions share it.
// A new subscription first attaches to the live follow (holding what arrives), then reads its
// backlog (tail, since, or its resume cursor), sends the backlog, then the held lines that came
// after the backlog's last line: no gap and no duplicate between the two.
import {
  type CommandParams,
  type CommandResult,
  CursorTracker,
  compileFilter,
  LOG_BUFFER_MAX_LINES,
  LOG_TAIL_MAX,
  type LogBatch,
  type LogEnd,
  type LogSource,
  skipDelivered,
} from "@wheelhouse/shared";
import type Docker from "dockerode";
import type { Logger } from "../logger";
import type { AgentLogBuffer } from "./agent-log-buffer";
import { ContainerLogSource, statusCode } from "./container-source";
import type { LogSourceHandle, RawLine } from "./log-source";
import { DEFAULT_LIMITS, levelOf, Subscription, type SubscriptionLimits } from "./subscription";

export interface LogHubSink {
  batch(batch: LogBatch): void;
  end(end: LogEnd): void;
}

export interface LogHubOptions {
  /** Resolves a source; the default builds container sources on `docker` and uses `agentLog`. */
  source?: (source: LogSource) => LogSourceHandle;
  limits?: SubscriptionLimits;
}

interface Entry {
  subscription: Subscription;
  detach: (() => void) | null;
}

export class LogHub {
  private readonly containers = new Map<string, ContainerLogSource>();
  private readonly subscriptions = new Map<string, Entry>();
  private activeFollows = 0;
  private readonly resolveSource: (source: LogSource) => LogSourceHandle;
  private readonly limits: SubscriptionLimits;

  constructor(
    private readonly docker: Docker | null,
    private readonly agentLog: AgentLogBuffer,
    private readonly logger: Logger,
    private readonly sink: LogHubSink,
    options: LogHubOptions = {},
  ) {
    this.resolveSource = options.source ?? ((source) => this.defaultSource(source));
    this.limits = options.limits ?? DEFAULT_LIMITS;
  }

  private defaultSource(source: LogSource): LogSourceHandle {
    if (source.kind === "agent") return this.agentLog;
    if (!this.docker) throw new Error("This agent has no Docker engine to read logs from.");
    let container = this.containers.get(source.containerId);
    if (!container) {
      const id = source.containerId;
      container = new ContainerLogSource(
        this.docker,
        id,
        this.logger,
        {
          started: () => {
            this.activeFollows += 1;
          },
          stopped: () => {
            this.activeFollows -= 1;
          },
        },
        () => {
          if (this.containers.get(id)?.listenerCount === 0) this.containers.delete(id);
        },
      );
      this.containers.set(id, container);
    }
    return container;
  }

  stats(): CommandResult<"logs.stats"> {
    let bufferedLines = 0;
    for (const { subscription } of this.subscriptions.values()) bufferedLines += subscription.buffered;
    return { follows: this.activeFollows, subscriptions: this.subscriptions.size, bufferedLines };
  }

  async subscribe(params: CommandParams<"logs.subscribe">): Promise<CommandResult<"logs.subscribe">> {
    const { streamId, follow } = params;
    // A repeated subscribe (a retried command, a portal reconnecting) replaces the previous one.
    this.unsubscribe(streamId);
    const subscription = new Subscription(
      streamId,
      params.filter,
      {
        batch: (batch) => this.sink.batch(batch),
        end: (end) => {
          const entry = this.subscriptions.get(streamId);
          if (entry?.subscription !== subscription) return;
          this.subscriptions.delete(streamId);
          entry.detach?.();
          this.sink.end(end);
        },
      },
      this.limits,
    );
    const entry: Entry = { subscription, detach: null };
    this.subscriptions.set(streamId, entry);
    const source = this.resolveSource(params.source);
    const held: RawLine[] = [];
    let heldDropped = 0;
    let live: ((line: RawLine) => void) | null = null;
    try {
      if (follow) {
        entry.detach = await source.attach({
          line: (line) => {
            if (live) live(line);
            else if (held.length < LOG_BUFFER_MAX_LINES) held.push(line);
            else heldDropped += 1;
          },
          end: (end) => subscription.finish({ streamId, reason: end.reason, message: end.message }),
        });
      }
      if (subscription.closed) return { started: true };
      const { lines, cut } = await source.history(params.start, params.resume, LOG_TAIL_MAX);
      subscription.addSkipped(cut);
      const tracker = new CursorTracker(params.resume);
      const unseen = skipDelivered(params.resume);
      for (const line of lines) {
        if (!unseen(line.ts)) continue;
        tracker.advance(line.ts);
        subscription.offer(line, true);
      }
      if (!follow) {
        subscription.finish({ streamId, reason: "done" });
        return { started: true };
      }
      const fresh = skipDelivered(tracker.cursor);
      subscription.addSkipped(heldDropped);
      for (const line of held) if (fresh(line.ts)) subscription.offer(line);
      held.length = 0;
      live = (line) => {
        if (fresh(line.ts)) subscription.offer(line);
      };
      return { started: true };
    } catch (error) {
      this.unsubscribe(streamId);
      if (statusCode(error) === 404) throw new Error("That container does not exist on this host (any more).");
      throw error;
    }
  }

  unsubscribe(streamId: string): void {
    const entry = this.subscriptions.get(streamId);
    if (!entry) return;
    this.subscriptions.delete(streamId);
    entry.subscription.close();
    entry.detach?.();
  }

  ack(streamId: string, batch: number): void {
    this.subscriptions.get(streamId)?.subscription.ack(batch);
  }

  /** One-shot read for REST and the CLI: filtered here, at most `limit` lines (the newest when cut). */
  async read(params: CommandParams<"logs.read">): Promise<CommandResult<"logs.read">> {
    const source = this.resolveSource(params.source);
    try {
      const { lines } = await source.history(
        params.resume || params.start.since || params.start.tail ? params.start : { tail: params.limit },
        params.resume,
        Number.MAX_SAFE_INTEGER,
      );
      const out: CommandResult<"logs.read">["lines"] = [];
      let seq = 0;
      const test = compileFilter(params.filter);
      const unseen = skipDelivered(params.resume);
      for (const line of lines) {
        if (!unseen(line.ts)) continue;
        const level = levelOf(line);
        if (!test(line.text, level)) continue;
        seq += 1;
        out.push({ seq, ts: line.ts, text: line.text, level, ...(line.err ? { err: true } : {}) });
      }
      // Resuming (following): the oldest first, the rest next time. Otherwise: the newest.
      const more = out.length > params.limit;
      return { lines: params.resume ? out.slice(0, params.limit) : out.slice(-params.limit), more };
    } catch (error) {
      if (statusCode(error) === 404) throw new Error("That container does not exist on this host (any more).");
      throw error;
    }
  }

  /** The portal went away: its streams are gone with it (it subscribes again with cursors). */
  closeAll(): void {
    for (const streamId of [...this.subscriptions.keys()]) this.unsubscribe(streamId);
  }
}
