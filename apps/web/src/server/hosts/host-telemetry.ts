// What the portal keeps of an agent's reports: facts on hello, samples on heartbeats (a bounded
// window), last-seen times written at most every few seconds per host.
import type { HostFacts, MetricsSample } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { dbTime } from "../db/db-time";

/** Samples older than this are deleted: the host page charts the last hour. */
export const SAMPLE_RETENTION_MS = 60 * 60 * 1000;
/**
 * One stored sample per host per interval (the newest): the chart needs no finer grain, and with
 * thousands of agents the database work is the portal's main cost (bench/agents).
 */
export const SAMPLE_INTERVAL_MS = 15_000;
const FLUSH_CHUNK = 250;
/** Rows in a row that fail on their own before a failed chunk is put down to the database itself. */
const DATABASE_FAILING_AFTER = 3;
/**
 * A sample's time may differ from the portal's clock by at most this much. Host clocks drift and
 * agents queue, but a sample from 1970 or 9999 is a broken agent (or not ours): it would sit in the
 * chart forever (retention prunes by age) or not be storable at all.
 */
export const SAMPLE_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** Why a heartbeat's sample is not stored, or null when it may be. */
export function sampleTimeRefusal(at: number, now = Date.now()): string | null {
  if (Math.abs(at - now) <= SAMPLE_CLOCK_SKEW_MS) return null;
  return `sample time ${at} is more than a day from the portal's clock (${now}); check the host's clock`;
}

/** One stored sample, as SampleWriter gives it to Prisma. */
interface SampleRow {
  hostId: string;
  at: string;
  cpuPercent: number;
  memoryUsedBytes: number;
  memoryTotal: number;
  diskUsedBytes: number;
  diskTotal: number;
}

/** What the database holds of a host's report, to skip writing it again unchanged. */
export interface StoredReport {
  version: string | null;
  facts: string;
  dockerError: string | null;
}

/**
 * Stores facts from an agent's hello, unless they are what the database already holds: after a
 * portal restart thousands of agents say hello at once, and their facts rarely changed.
 */
export async function recordHello(
  db: Db,
  hostId: string,
  version: string,
  facts: HostFacts,
  dockerError: string | null,
  stored?: StoredReport,
) {
  const factsText = JSON.stringify(facts);
  if (stored && stored.version === version && stored.facts === factsText && stored.dockerError === dockerError) return;
  const now = dbTime();
  await db.host.update({
    where: { id: hostId },
    data: { agentVersion: version, facts: factsText, dockerError, connectedAt: now, lastSeenAt: now },
  });
}

/**
 * Heartbeat samples, written in one transaction per interval instead of one per heartbeat: with
 * thousands of agents each reporting every 5 s, per-heartbeat writes would queue up behind the
 * database (SQLite serialises writers). Last-seen for the listing comes from the live connection,
 * so the stored value may lag by one interval.
 */
export class SampleWriter {
  private pending = new Map<string, MetricsSample>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly onError: (error: unknown) => void,
    private readonly intervalMs = SAMPLE_INTERVAL_MS,
  ) {}

  /** Keeps the newest sample per host until the next flush. */
  add(hostId: string, sample: MetricsSample): void {
    this.pending.set(hostId, sample);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush()).catch(this.onError);
    }, this.intervalMs);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending = new Map();
    const now = dbTime();
    // In chunks, yielding between them: SQLite's driver runs on the event loop, and one insert of
    // thousands of rows would stall every socket for its whole duration.
    for (let start = 0; start < batch.length; start += FLUSH_CHUNK) {
      const rows = batch.slice(start, start + FLUSH_CHUNK).flatMap(([hostId, sample]) => this.row(hostId, sample));
      try {
        await this.write(rows, now);
      } catch (error) {
        await this.writeOneByOne(rows, now, error);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Times as ISO strings and byte counts as numbers, not Date and BigInt (db/db-time.ts says why;
   * each flush compiled and cached a plan of ~1 MB per 250 hosts). Byte counts stay exact as
   * numbers up to 2^53 (8 PiB). A time no date can hold is that host's loss alone.
   */
  private row(hostId: string, sample: MetricsSample): SampleRow[] {
    try {
      return [
        {
          hostId,
          at: dbTime(sample.at),
          cpuPercent: sample.cpuPercent,
          memoryUsedBytes: sample.memoryUsedBytes,
          memoryTotal: sample.memoryTotalBytes,
          diskUsedBytes: sample.diskUsedBytes,
          diskTotal: sample.diskTotalBytes,
        },
      ];
    } catch (error) {
      this.reportHost(hostId, error);
      return [];
    }
  }

  /**
   * One host's row the database refuses (its host was deleted meanwhile, a value out of the
   * column's range) must not cost every other host its sample: after a failed chunk, each row is
   * written alone and only those that fail again are lost. When the first rows all fail on their
   * own, the database itself is the cause (down, full): that is reported once, not waited on row by row.
   */
  private async writeOneByOne(rows: SampleRow[], now: string, chunkError: unknown): Promise<void> {
    let stored = 0;
    const failed: { hostId: string; error: unknown }[] = [];
    for (const row of rows) {
      try {
        await this.write([row], now);
        stored += 1;
      } catch (error) {
        failed.push({ hostId: row.hostId, error });
        if (stored === 0 && failed.length === DATABASE_FAILING_AFTER) {
          this.onError(chunkError);
          return;
        }
      }
    }
    for (const { hostId, error } of failed) this.reportHost(hostId, error);
  }

  private async write(rows: SampleRow[], now: string): Promise<void> {
    if (rows.length === 0) return;
    await this.db.$transaction([
      this.db.hostMetricSample.createMany({ data: rows }),
      this.db.host.updateMany({ where: { id: { in: rows.map((row) => row.hostId) } }, data: { lastSeenAt: now } }),
    ]);
  }

  private reportHost(hostId: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.onError(new Error(`could not store a sample of host ${hostId}: ${reason}`, { cause: error }));
  }

  /** Writes what is pending (shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }
}

export async function recordDisconnect(db: Db, hostId: string) {
  await db.host.updateMany({ where: { id: hostId }, data: { connectedAt: null, lastSeenAt: dbTime() } });
}

export async function pruneSamples(db: Db, now = Date.now()) {
  await db.hostMetricSample.deleteMany({ where: { at: { lt: new Date(now - SAMPLE_RETENTION_MS) } } });
}

/** The engine came or went: keep the host's facts and its error in step. */
export async function recordDockerStatus(db: Db, hostId: string, version: string | null, error: string | null) {
  const host = await db.host.findUnique({ where: { id: hostId } });
  if (!host) return;
  const facts = JSON.parse(host.facts) as Partial<HostFacts>;
  await db.host.update({
    where: { id: hostId },
    data: { dockerError: error, facts: JSON.stringify({ ...facts, dockerVersion: version }) },
  });
}
