// Anonymous noise, counted instead of written row by row. A refused sign-in, enrolment or scrape
// from one address writes its first audit event at once; the same refusal again within the window
// (same action, outcome, address, account and team) is only counted, and the window's count is
// written as ONE "repeated N more times" event when the window closes, or at once by flush() when
// the portal shuts down. Counting in memory rather than in the table: the audit table is append-only
// (triggers refuse UPDATE), so a running counter cannot live in a row. What a SIGKILL loses is at
// most one window's repeats, never the first event of a window.
import type { AuditEntry } from "./audit-log";

const REFUSAL_WINDOW_MS = 5 * 60_000;
/** Open windows kept in memory; past this, refusals from new addresses share one window per team. */
const MAX_OPEN_WINDOWS = 5_000;
/** Distinct emails and reasons named in a "repeated" event: enough to see a spray, bounded against one. */
const MAX_EMAILS_NAMED = 10;
const MAX_REASONS_NAMED = 20;

export interface RefusalTallyOptions {
  write(entry: AuditEntry): Promise<void>;
  /** A repeat count could not be written (its window closed on a timer, nobody awaits it). */
  onWriteError(error: unknown, entry: AuditEntry): void;
  windowMs?: number;
  maxOpenWindows?: number;
}

interface Window {
  entry: AuditEntry;
  firstAt: Date;
  lastAt: Date;
  repeated: number;
  reasons: Map<string, number>;
  emails: Set<string>;
  timer: NodeJS.Timeout;
}

function stringDetail(entry: AuditEntry, name: string): string | undefined {
  const value = entry.details?.[name];
  return typeof value === "string" ? value : undefined;
}

export class RefusalTally {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;
  private readonly maxOpenWindows: number;

  constructor(private readonly options: RefusalTallyOptions) {
    this.windowMs = options.windowMs ?? REFUSAL_WINDOW_MS;
    this.maxOpenWindows = options.maxOpenWindows ?? MAX_OPEN_WINDOWS;
  }

  /**
   * Audits one refusal: resolves once its event is written when it opens a window, at once when it
   * is counted in an open one. The count is taken before any await, so concurrent refusals (a
   * batch of fifty) open one window between them.
   */
  async record(entry: AuditEntry): Promise<void> {
    let key = this.keyOf(entry);
    let counted = entry;
    if (!this.windows.has(key) && this.windows.size >= this.maxOpenWindows) {
      // Too many addresses at once (a botnet, or IPv6 rotation): fold them into one window per
      // team so memory stays bounded; the count survives, the address and account do not.
      const { email: _named, ...details } = entry.details ?? {};
      counted = { ...entry, actor: null, ip: null, details };
      key = `${this.keyOf(counted)}|overflow`;
    }
    const open = this.windows.get(key);
    if (open) {
      open.repeated += 1;
      open.lastAt = new Date();
      const named = stringDetail(counted, "reason") ?? "unspecified";
      const reason = open.reasons.has(named) || open.reasons.size < MAX_REASONS_NAMED ? named : "other";
      open.reasons.set(reason, (open.reasons.get(reason) ?? 0) + 1);
      const email = stringDetail(counted, "email");
      if (email && open.emails.size < MAX_EMAILS_NAMED) open.emails.add(email);
      return;
    }
    const now = new Date();
    const timer = setTimeout(() => {
      this.close(key).catch((error: unknown) => this.options.onWriteError(error, counted));
    }, this.windowMs);
    // A pending window must not keep a stopping process alive; shutdown calls flush().
    timer.unref();
    this.windows.set(key, {
      entry: counted,
      firstAt: now,
      lastAt: now,
      repeated: 0,
      reasons: new Map(),
      emails: new Set(),
      timer,
    });
    await this.options.write(counted);
  }

  /** Writes every open window's count now (shutdown), so a clean stop loses none. */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.windows].map(([key, window]) =>
        this.close(key).catch((error: unknown) => this.options.onWriteError(error, window.entry)),
      ),
    );
  }

  /** Refusals waiting in open windows, for tests and diagnostics. */
  get openWindows(): number {
    return this.windows.size;
  }

  private keyOf(entry: AuditEntry): string {
    return [entry.action, entry.outcome, entry.ip ?? "", entry.teamId ?? "", entry.actor?.id ?? ""].join("|");
  }

  private async close(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (!window) return;
    this.windows.delete(key);
    clearTimeout(window.timer);
    if (window.repeated === 0) return;
    const { entry } = window;
    await this.options.write({
      ...entry,
      details: {
        summary: `repeated ${window.repeated} more time${window.repeated === 1 ? "" : "s"} since ${window.firstAt.toISOString()}`,
        repeated: window.repeated,
        reasons: Object.fromEntries(window.reasons),
        ...(window.emails.size > 0 ? { emails: [...window.emails] } : {}),
        firstAt: window.firstAt.toISOString(),
        lastAt: window.lastAt.toISOString(),
      },
    });
  }
}
