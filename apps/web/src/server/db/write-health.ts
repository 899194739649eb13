// Whether the database can save changes, as far as a full disk is concerned. Fed by every write that
// failed for a full disk (the transport edges and the bookkeeping writes report them here) and, on
// SQLite, by a write probe every few seconds; read by /health/ready. It logs one error line per
// minute while writes fail, not one per request, and one line when they work again.
// Why both the probe and the writes' outcomes: docs/decisions/019-disk-full.md.
import type { Config } from "../config/env";
import { AppError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { Db } from "./client";
import { diskFullSentence, isDiskFull } from "./disk-full";

/** The probe's cadence: an idle portal notices a full disk within this (readiness promises 10 s). */
const PROBE_EVERY_MS = 5_000;
/** At most one error line per this while writes keep failing. */
export const LOG_EVERY_MS = 60_000;
/**
 * Without a probe that proves a write fits (PostgreSQL), a failure counts for this long after the
 * last one: a write that fails now says little about one in a minute, and nothing else clears it.
 */
export const FAILURE_HOLD_MS = 15_000;

export interface WriteHealthOptions {
  db: Db;
  logger: Logger;
  database: Config["database"];
  dataDir: string;
  now?: () => number;
}

/** Each database client's WriteHealth, so bookkeeping code that holds only the client can report to it. */
const healthOf = new WeakMap<Db, WriteHealth>();

/**
 * A bookkeeping write made on the way to a read (an API key's last use, a session's extension, an
 * expired session's removal): on a full disk it is skipped, so the read still answers, and the
 * failure goes to the client's WriteHealth (readiness, the once-a-minute log). Other errors propagate.
 */
export async function bookkeepingWrite(db: Db, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isDiskFull(error)) throw error;
    healthOf.get(db)?.noticeFailure(error);
  }
}

export class WriteHealth {
  private failedAt: number | null = null;
  private failuresSinceLog = 0;
  private loggedAt: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private probes = 0;
  private probeWarnedAt: number | null = null;
  private readonly now: () => number;

  constructor(private readonly options: WriteHealthOptions) {
    this.now = options.now ?? Date.now;
    healthOf.set(options.db, this);
  }

  /** True while writes fail for a full disk (readiness reports "database: cannot write (disk full)"). */
  get diskFull(): boolean {
    return this.failedAt !== null;
  }

  /**
   * Records `error` when it is a full disk (and logs it, at most once a minute); true if it was.
   * Callers that skip a write on a full disk rely on this for the log line.
   */
  noticeFailure(error: unknown): boolean {
    if (!isDiskFull(error)) return false;
    const now = this.now();
    this.failedAt = now;
    this.failuresSinceLog += 1;
    if (this.loggedAt === null || now - this.loggedAt >= LOG_EVERY_MS) {
      const { database, dataDir } = this.options;
      this.options.logger.error(
        {
          err: error,
          database: database.kind,
          ...(database.kind === "sqlite" ? { dataDir, file: database.file } : {}),
          failedWrites: this.failuresSinceLog,
        },
        "the database cannot save changes: its disk is full. Free space on it; writes resume by themselves",
      );
      this.loggedAt = now;
      this.failuresSinceLog = 0;
    }
    return true;
  }

  /** The error a person sees for a write that failed on a full disk (503 with a sentence), or null for any other error. */
  diskFullError(error: unknown): AppError | null {
    return this.noticeFailure(error) ? new AppError("NOT_READY", diskFullSentence(this.options.database)) : null;
  }

  /** Starts the probe; call once the schema is current. */
  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.timer = setTimeout(() => {
        this.probe()
          .catch((error: unknown) => this.probeFailed(error))
          .finally(() => {
            if (this.timer) loop();
          });
      }, PROBE_EVERY_MS);
      this.timer.unref();
    };
    loop();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * SQLite: rewrites the database header's user_version, which Wheelhouse does not otherwise use.
   * In WAL mode every commit appends to the WAL file in DATA_DIR, so this fails as soon as that disk
   * has no room left, and succeeds again as soon as it has. PostgreSQL: a small update usually fits
   * in a page the table already has, so no cheap write proves much; the writes' own outcomes decide,
   * each failure counting for FAILURE_HOLD_MS.
   */
  async probe(): Promise<void> {
    const started = this.now();
    if (this.options.database.kind === "sqlite") {
      this.probes = (this.probes % 1_000_000) + 1;
      try {
        // A number we generate, never input: nothing to escape.
        await this.options.db.$executeRawUnsafe(`PRAGMA user_version = ${this.probes}`);
      } catch (error) {
        // Anything but a full disk (locked, unreachable) is for the readiness ping and the callers to report.
        if (this.noticeFailure(error)) return;
        throw error;
      }
      // A failure reported while the probe ran is newer evidence than its success.
      if (this.failedAt !== null && this.failedAt <= started) this.recovered();
      return;
    }
    if (this.failedAt !== null && started - this.failedAt >= FAILURE_HOLD_MS) this.recovered();
  }

  /** Not a full disk (locked, unreachable): readiness's ping and the callers report those; a warning a minute here. */
  private probeFailed(error: unknown): void {
    const now = this.now();
    if (this.probeWarnedAt !== null && now - this.probeWarnedAt < LOG_EVERY_MS) return;
    this.probeWarnedAt = now;
    this.options.logger.warn({ err: error }, "the database write probe failed (not for a full disk)");
  }

  private recovered(): void {
    this.options.logger.info(
      { database: this.options.database.kind, failedWritesSinceLastLog: this.failuresSinceLog },
      "the database can save changes again",
    );
    this.failedAt = null;
    this.loggedAt = null;
    this.failuresSinceLog = 0;
  }
}
