// A container's log as a source: ONE Docker follow however many listeners it has. The follow
// starts with the first listener and stops with the last; when the engine ends it (the container
// stopped or restarted) and the container still exists, it follows again from the last line seen,
// skipping what was already delivered.
import type { Readable } from "node:stream";
import {
  dockerSinceParameter,
  type LogCursor,
  type LogStart,
  normaliseTimestamp,
  skipDelivered,
  timestampOf,
} from "@wheelhouse/shared";
import type Docker from "dockerode";
import { demuxAll, FrameDemuxer } from "../docker/frame-demuxer";
import type { Logger } from "../logger";
import { LineSplitter } from "./line-splitter";
import type { LiveListener, LogSourceHandle, RawLine } from "./log-source";

const REFOLLOW_DELAY_MS = 1_000;

export function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

export interface FollowCounter {
  started(containerId: string): void;
  stopped(containerId: string): void;
}

export class ContainerLogSource implements LogSourceHandle {
  private readonly listeners = new Set<LiveListener>();
  private stream: Readable | null = null;
  private starting: Promise<void> | null = null;
  private tty: boolean | null = null;
  private last: { ts: string; count: number } = { ts: "", count: 0 };
  private refollow: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly docker: Docker,
    readonly containerId: string,
    private readonly logger: Logger,
    private readonly counter: FollowCounter,
    /** Called when the last listener leaves, so the hub can forget this source. */
    private readonly onIdle: () => void,
  ) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  private async isTty(): Promise<boolean> {
    if (this.tty === null) {
      const info = await this.docker.getContainer(this.containerId).inspect();
      this.tty = info.Config.Tty === true;
    }
    return this.tty;
  }

  async history(
    start: LogStart,
    resume: LogCursor | undefined,
    limit: number,
  ): Promise<{ lines: RawLine[]; cut: number }> {
    const since = resume ? resume.ts : start.since ? normaliseTimestamp(start.since) : null;
    const tail = resume || start.since ? undefined : (start.tail ?? 0);
    if (tail === 0) return { lines: [], cut: 0 };
    const tty = await this.isTty();
    const output = (await this.docker.getContainer(this.containerId).logs({
      follow: false,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since ? { since: dockerSinceParameter(since) as unknown as number } : {}),
      ...(tail !== undefined ? { tail } : {}),
    })) as unknown as Buffer;
    const lines: RawLine[] = [];
    const push = (line: RawLine) => {
      lines.push(line);
    };
    if (tty) {
      const splitter = new LineSplitter(false, push);
      splitter.push(output);
      splitter.flush();
    } else {
      const out = new LineSplitter(false, push);
      const err = new LineSplitter(true, push);
      demuxAll(output, (isErr, payload) => (isErr ? err : out).push(payload));
      out.flush();
      err.flush();
    }
    const cut = Math.max(0, lines.length - limit);
    return { lines: cut > 0 ? lines.slice(cut) : lines, cut };
  }

  async attach(listener: LiveListener): Promise<() => void> {
    this.listeners.add(listener);
    if (!this.stream) {
      this.starting ??= this.follow(undefined).finally(() => {
        this.starting = null;
      });
      try {
        await this.starting;
      } catch (error) {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stop();
        throw error;
      }
    }
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Starts the one Docker follow: from now (tail 0), or from the last line seen after the engine ended it. */
  private async follow(since: string | undefined): Promise<void> {
    const tty = await this.isTty();
    const stream = (await this.docker.getContainer(this.containerId).logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since ? { since: dockerSinceParameter(since) as unknown as number } : { tail: 0 }),
    })) as unknown as Readable;
    if (this.closed || this.listeners.size === 0) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    this.counter.started(this.containerId);
    this.logger.debug({ containerId: this.containerId, since: since ?? "now" }, "docker log follow started");
    const keep = skipDelivered(since ? { ...this.last } : undefined);
    const deliver = (line: RawLine) => {
      if (!keep(line.ts)) return;
      if (line.ts === this.last.ts) this.last.count += 1;
      else this.last = { ts: line.ts, count: 1 };
      for (const listener of this.listeners) listener.line(line);
    };
    const out = new LineSplitter(false, deliver);
    const err = new LineSplitter(true, deliver);
    if (tty) {
      stream.on("data", (chunk: Buffer) => out.push(chunk));
    } else {
      const demuxer = new FrameDemuxer((isErr, payload) => (isErr ? err : out).push(payload));
      stream.on("data", (chunk: Buffer) => demuxer.push(chunk));
    }
    const ended = () => {
      if (this.stream !== stream) return;
      out.flush();
      err.flush();
      this.stream = null;
      this.counter.stopped(this.containerId);
      this.logger.debug({ containerId: this.containerId }, "docker log follow ended");
      if (this.closed || this.listeners.size === 0) return;
      this.scheduleRefollow();
    };
    stream.once("end", ended);
    stream.once("close", ended);
    stream.once("error", ended);
  }

  /** The engine ended the follow: follow again if the container exists, else tell the listeners it is gone. */
  private scheduleRefollow(): void {
    clearTimeout(this.refollow);
    this.refollow = setTimeout(() => {
      if (this.closed || this.listeners.size === 0 || this.stream) return;
      this.follow(this.last.ts || timestampOf(new Date())).catch((error: unknown) => {
        if (statusCode(error) === 404) {
          for (const listener of [...this.listeners])
            listener.end({ reason: "gone", message: "The container was removed." });
          this.listeners.clear();
          this.stop();
          return;
        }
        this.logger.warn({ err: error, containerId: this.containerId }, "could not follow a container's log again");
        this.scheduleRefollow();
      });
    }, REFOLLOW_DELAY_MS);
  }

  private stop(): void {
    clearTimeout(this.refollow);
    const stream = this.stream;
    this.stream = null;
    if (stream) {
      this.counter.stopped(this.containerId);
      this.logger.debug({ containerId: this.containerId }, "docker log follow stopped");
      stream.destroy();
    }
    this.onIdle();
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.stop();
  }
}
