// A /logs client as the browser's viewer is one: subscribes, acknowledges every batch, keeps each
// source's cursor and, when its socket reconnects, subscribes again from those cursors. For the
// integration tests and the benchmark.
import {
  CursorTracker,
  LOGS_EVENTS,
  type LogCursor,
  type LogLine,
  type ViewerBatch,
  type ViewerEnd,
  type ViewerSubscribe,
  type ViewerSubscribeReply,
} from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";

export interface ReceivedLine extends LogLine {
  source: string;
  receivedAt: number;
}

export class LogViewerClient {
  readonly socket: Socket;
  readonly lines: ReceivedLine[] = [];
  readonly ends: ViewerEnd[] = [];
  skipped = 0;
  batches = 0;
  subscriptions = 0;
  private readonly cursors = new Map<string, CursorTracker>();
  private request: ViewerSubscribe | null = null;
  /** Set false to stop acknowledging (a viewer that fell behind). */
  acking = true;
  onLine: ((line: ReceivedLine) => void) | null = null;

  /** Lines received in all (also when they are not kept). */
  received = 0;
  private readonly keep: boolean;

  /** `keep: false`: count lines and call onLine, but keep none (the benchmark's hundreds of thousands). */
  constructor(portalUrl: string, cookie: string, options: { autoAck?: boolean; keep?: boolean } = {}) {
    this.acking = options.autoAck ?? true;
    this.keep = options.keep ?? true;
    this.socket = io(`${portalUrl}/logs`, {
      transports: ["websocket"],
      // Each viewer is its own page: never a cached Manager carrying another viewer's cookie.
      forceNew: true,
      extraHeaders: { cookie, origin: portalUrl },
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
    });
    this.socket.on(LOGS_EVENTS.batch, (batch: ViewerBatch) => {
      const at = Date.now();
      this.batches += 1;
      this.skipped += batch.skipped;
      let cursor = this.cursors.get(batch.source);
      if (!cursor) {
        cursor = new CursorTracker();
        this.cursors.set(batch.source, cursor);
      }
      for (const line of batch.lines) {
        cursor.advance(line.ts);
        this.received += 1;
        if (!this.keep && !this.onLine) continue;
        const received = { ...line, source: batch.source, receivedAt: at };
        if (this.keep) this.lines.push(received);
        this.onLine?.(received);
      }
      if (this.acking) this.socket.emit(LOGS_EVENTS.ack, { streamId: batch.streamId, batch: batch.batch });
    });
    this.socket.on(LOGS_EVENTS.end, (end: ViewerEnd) => this.ends.push(end));
    // After a drop: the same stream, from where each source got to.
    this.socket.io.on("reconnect", () => {
      if (this.request) void this.send(this.resumeRequest(this.request));
    });
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", (error) => reject(error));
    });
  }

  private resumeRequest(request: ViewerSubscribe): ViewerSubscribe {
    const resume: Record<string, LogCursor> = {};
    for (const [key, tracker] of this.cursors) if (tracker.cursor) resume[key] = tracker.cursor;
    return { ...request, resume };
  }

  private async send(request: ViewerSubscribe): Promise<ViewerSubscribeReply> {
    this.subscriptions += 1;
    return (await this.socket.timeout(20_000).emitWithAck(LOGS_EVENTS.subscribe, request)) as ViewerSubscribeReply;
  }

  async subscribe(request: ViewerSubscribe): Promise<ViewerSubscribeReply> {
    await this.connected();
    const reply = await this.send(request);
    if (reply.ok) this.request = request;
    return reply;
  }

  /** Drops the transport as a network failure would; Socket.IO reconnects by itself. */
  drop(): void {
    this.socket.io.engine.close();
  }

  texts(): string[] {
    return this.lines.map((line) => line.text);
  }

  close(): void {
    this.socket.close();
  }
}
