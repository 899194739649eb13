// A deployment's own log (DeploymentLogLine rows) as a log source for the viewer: the portal is
// this source's "agent". Lines are read after the last id delivered, again whenever the
// deployment reports progress, and the feed ends once the deployment is finished and read out.
import {
  compileFilter,
  detectLevel,
  type LogCursor,
  type LogFilter,
  type LogLine,
  type LogStart,
  normaliseTimestamp,
  skipDelivered,
  timestampOf,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { isFinished } from "../deployments/deployment-records";

const PAGE = 1_000;

export interface DeploymentFeedSink {
  lines(lines: LogLine[]): void;
  done(): void;
}

export class DeploymentFeed {
  private lastId = 0;
  private seq = 0;
  private reading: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly matches: (text: string, level: LogLine["level"]) => boolean;

  constructor(
    private readonly db: Db,
    readonly deploymentId: string,
    filter: LogFilter,
    private readonly follow: boolean,
    private readonly sink: DeploymentFeedSink,
  ) {
    this.matches = compileFilter(filter);
  }

  private toLine(row: { at: Date; text: string }): LogLine | null {
    const level = detectLevel(row.text);
    if (!this.matches(row.text, level)) return null;
    this.seq += 1;
    return { seq: this.seq, ts: timestampOf(row.at), text: row.text, level };
  }

  /** The backlog (tail, since, or after the cursor), then new lines as they are written. */
  async start(start: LogStart, resume: LogCursor | undefined): Promise<void> {
    const since = resume?.ts ?? (start.since ? normaliseTimestamp(start.since) : null);
    let rows: { id: number; at: Date; text: string }[];
    if (since) {
      const keep = skipDelivered(resume);
      rows = (
        await this.db.deploymentLogLine.findMany({
          where: { deploymentId: this.deploymentId, at: { gte: new Date(`${since.slice(0, 23)}Z`) } },
          orderBy: { id: "asc" },
        })
      ).filter((row) => keep(timestampOf(row.at)));
    } else {
      rows = (
        await this.db.deploymentLogLine.findMany({
          where: { deploymentId: this.deploymentId },
          orderBy: { id: "desc" },
          ...(start.tail !== undefined ? { take: start.tail } : {}),
        })
      ).reverse();
    }
    const last = rows.at(-1);
    if (last) this.lastId = last.id;
    else if (!since && start.tail !== undefined) {
      // Nothing in the backlog: start after the current end.
      const newest = await this.db.deploymentLogLine.findFirst({
        where: { deploymentId: this.deploymentId },
        orderBy: { id: "desc" },
        select: { id: true },
      });
      this.lastId = newest?.id ?? 0;
    }
    this.emit(rows);
    await this.poke();
  }

  private emit(rows: { at: Date; text: string }[]): void {
    for (let i = 0; i < rows.length; i += PAGE) {
      const lines = rows.slice(i, i + PAGE).flatMap((row) => this.toLine(row) ?? []);
      if (lines.length > 0) this.sink.lines(lines);
    }
  }

  /** New lines may exist (the deployment changed): read them; ends the feed once the deployment is finished. */
  poke(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readNew().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        void this.poke();
      }
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    const deployment = await this.db.deployment.findUnique({
      where: { id: this.deploymentId },
      select: { status: true },
    });
    for (;;) {
      const rows = await this.db.deploymentLogLine.findMany({
        where: { deploymentId: this.deploymentId, id: { gt: this.lastId } },
        orderBy: { id: "asc" },
        take: PAGE,
      });
      const last = rows.at(-1);
      if (!last || this.closed) break;
      this.lastId = last.id;
      this.emit(rows);
      if (rows.length < PAGE) break;
    }
    if (!this.follow || !deployment || isFinished(deployment.status)) {
      this.closed = true;
      this.sink.done();
    }
  }

  close(): void {
    this.closed = true;
  }
}
