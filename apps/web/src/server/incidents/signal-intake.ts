// Where every signal enters (issue 13 item 2): an instance Unhealthy (hosts/instance-health),
// a failed deployment (deployments/), an agent Lost (agent-lost-sweep.ts), an Alertmanager alert
// (signals/). Each is stored as a Signal row with what became of it: added to the open incident
// with its fingerprint (deduplicated), an incident opened by the team's rules (opened), or nothing
// (ignored). Decision 031.
import type { EventEmitter } from "node:events";
import {
  DEFAULT_INCIDENT_RULES,
  decideSignal,
  OPEN_INCIDENT_STATUSES,
  type ParsedSignal,
  type RaisedSignal,
  raisedSignalSchema,
  type Severity,
  type SignalOutcome,
  type StoredTimelineData,
  signalFingerprint,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { statusIn } from "../db/status-filter";
import type { Logger } from "../logging/logger";
import type { PortalMetrics } from "../metrics/registry";
import { incidentOpenedNotification } from "../notifications/event-notifications";
import type { Notifier } from "../notifications/notify";
import type { PortalEvents } from "../services";
import { appendIncidentEvent } from "./incident-events";
import { withNextIncidentNumber } from "./incident-numbers";
import { readTeamRules } from "./incident-rules-store";
import { KeyedQueue } from "./keyed-queue";

export interface SignalIntakeDependencies {
  db: Db;
  logger: Logger;
  metrics: Pick<PortalMetrics, "signals">;
  events: EventEmitter<PortalEvents>;
  /** An incident a signal opened is sent to the team's `incident.opened` webhooks. */
  notifier: Notifier;
  /**
   * Called after a signal opened an incident, in the background: attaches the runbooks whose rules
   * match and runs their automatic steps (runbooks/runbook-attach.ts). Its failure is logged. The
   * signal aborts when the portal stops: no new step starts, and `stop()` waits a moment for the rest.
   */
  afterOpen?: (incidentId: string, stopping: AbortSignal) => Promise<void>;
}

export interface SignalReceipt {
  signalId: string;
  outcome: SignalOutcome;
  incidentId: string | null;
}

/** A signal's own facts are kept, but not without bound: a source bug must not fill the database. */
const MAX_DETAILS_CHARS = 32 * 1024;
/** Titles are at most 200 characters (openIncidentInputSchema); the summary stays whole in the timeline. */
const MAX_TITLE_CHARS = 200;

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text.length <= MAX_DETAILS_CHARS
    ? text
    : JSON.stringify({ omitted: `details over ${MAX_DETAILS_CHARS} characters` });
}

/** Alert labels and annotations, as the timeline keeps them (string values only). */
function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  return Object.fromEntries(entries.map(([key, text]) => [key.slice(0, 200), text.slice(0, 2_000)]));
}

function signalEventData(signalId: string, signal: ParsedSignal): StoredTimelineData<"signal"> {
  const labels = stringRecord(signal.details.labels);
  const annotations = stringRecord(signal.details.annotations);
  return {
    signalId,
    kind: signal.kind,
    state: signal.state,
    summary: signal.summary,
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

function titleOf(summary: string): string {
  const line = summary.split("\n")[0]?.trim() ?? "";
  return line.length <= MAX_TITLE_CHARS ? line : `${line.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

export class SignalIntake {
  /**
   * One decision at a time per team and fingerprint: two signals racing (a flapping probe, two
   * alerts of one body) would otherwise both find no open incident and open two. One portal process
   * runs the sources (it is the workers' leader), so an in-process queue is enough; the unique
   * (teamId, number) still guards the numbering across processes (incident-numbers.ts).
   */
  private readonly queue = new KeyedQueue();
  /** Runbook work started after an incident opened, awaited (briefly) by `stop()`. */
  private readonly background = new Set<Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly dependencies: SignalIntakeDependencies) {}

  /**
   * Stores the signal and decides what it does. Throws only for a malformed signal (a source's bug)
   * or a database that does not answer; sources log that and go on.
   */
  async raise(raised: RaisedSignal): Promise<SignalReceipt> {
    const signal = raisedSignalSchema.parse(raised);
    const fingerprint = signalFingerprint(signal);
    const receipt = await this.queue.run(`${signal.teamId}\n${fingerprint}`, () => this.decide(signal, fingerprint));
    this.dependencies.metrics.signals.inc({ kind: signal.kind, outcome: receipt.outcome });
    this.dependencies.logger.info(
      { kind: signal.kind, fingerprint, outcome: receipt.outcome, incidentId: receipt.incidentId },
      "signal received",
    );
    if (receipt.incidentId) this.dependencies.events.emit("incidentChanged", signal.teamId, receipt.incidentId);
    if (receipt.outcome === "opened" && receipt.incidentId) this.attachRunbooks(receipt.incidentId);
    return receipt;
  }

  private async decide(signal: ParsedSignal, fingerprint: string): Promise<SignalReceipt> {
    const { db } = this.dependencies;
    const open = await db.incident.findFirst({
      where: { teamId: signal.teamId, fingerprint, status: statusIn(OPEN_INCIDENT_STATUSES) },
      orderBy: { openedAt: "desc" },
      select: { id: true },
    });
    if (open) return this.addTo(open.id, signal, fingerprint);
    // A resolved signal (an alert's "resolved", an agent back) with nothing open only says all is well.
    if (signal.state === "resolved") return this.store(signal, fingerprint, "ignored", null, null);
    const decision = decideSignal(await this.rulesOf(signal.teamId), signal);
    if (decision.action === "ignore") return this.store(signal, fingerprint, "ignored", null, null);
    return this.open(signal, fingerprint, decision.severity);
  }

  private async rulesOf(teamId: string) {
    try {
      return (await readTeamRules(this.dependencies.db, teamId)).rules;
    } catch (error) {
      // Only saveTeamRules writes them, parsed: unreadable rules are a bug, and signals must still decide.
      this.dependencies.logger.error(
        { err: error, teamId },
        "the team's signal rules are unreadable; using the defaults",
      );
      return DEFAULT_INCIDENT_RULES;
    }
  }

  private async store(
    signal: ParsedSignal,
    fingerprint: string,
    outcome: SignalOutcome,
    incidentId: string | null,
    severity: string | null,
  ): Promise<SignalReceipt> {
    const row = await this.dependencies.db.signal.create({
      data: this.signalRow(signal, fingerprint, outcome, incidentId, severity),
    });
    return { signalId: row.id, outcome, incidentId };
  }

  private signalRow(
    signal: ParsedSignal,
    fingerprint: string,
    outcome: SignalOutcome,
    incidentId: string | null,
    severity: string | null,
  ) {
    return {
      teamId: signal.teamId,
      kind: signal.kind,
      fingerprint,
      appId: signal.appId,
      hostId: signal.hostId,
      severity,
      state: signal.state,
      summary: signal.summary,
      details: detailsText(signal.details),
      outcome,
      incidentId,
    };
  }

  /** The signal joins the open incident's timeline. */
  private async addTo(incidentId: string, signal: ParsedSignal, fingerprint: string): Promise<SignalReceipt> {
    return this.dependencies.db.$transaction(async (tx) => {
      const row = await tx.signal.create({
        data: this.signalRow(signal, fingerprint, "deduplicated", incidentId, signal.severity),
      });
      await appendIncidentEvent(tx, incidentId, "signal", signalEventData(row.id, signal), null, row.receivedAt);
      return { signalId: row.id, outcome: "deduplicated" as const, incidentId };
    });
  }

  /** A new incident with the signal as its first entries: `opened`, then the signal itself. */
  private async open(signal: ParsedSignal, fingerprint: string, severity: Severity): Promise<SignalReceipt> {
    const at = new Date();
    const title = titleOf(signal.summary);
    const opened = await withNextIncidentNumber(this.dependencies.db, signal.teamId, async (tx, number) => {
      const incident = await tx.incident.create({
        data: {
          teamId: signal.teamId,
          number,
          title,
          severity,
          status: "Investigating",
          appId: signal.appId,
          hostId: signal.hostId,
          fingerprint,
          openedAt: at,
        },
        select: { id: true },
      });
      const row = await tx.signal.create({
        data: { ...this.signalRow(signal, fingerprint, "opened", incident.id, severity), receivedAt: at },
      });
      await appendIncidentEvent(
        tx,
        incident.id,
        "opened",
        { source: "signal", severity, summary: signal.summary },
        null,
        at,
      );
      await appendIncidentEvent(tx, incident.id, "signal", signalEventData(row.id, signal), null, at);
      return { signalId: row.id, incidentId: incident.id, number };
    });
    // After the commit: a receiver must never hear of an incident that was rolled back.
    await this.dependencies.notifier.notify(
      signal.teamId,
      incidentOpenedNotification(
        { id: opened.incidentId, number: opened.number, title, severity, appId: signal.appId },
        { source: "signal", summary: signal.summary },
      ),
    );
    return { signalId: opened.signalId, outcome: "opened", incidentId: opened.incidentId };
  }

  private attachRunbooks(incidentId: string): void {
    const { afterOpen, logger } = this.dependencies;
    if (!afterOpen) return;
    const work = afterOpen(incidentId, this.stopping.signal)
      .catch((error: unknown) => {
        // Once the portal stops, the database may close under the work: a step left running is marked
        // as interrupted at the next start-up (runbook-runs.ts), so this is not an error.
        if (this.stopping.signal.aborted)
          logger.warn({ err: error, incidentId }, "runbook work of a new incident was cut short by the shutdown");
        else logger.error({ err: error, incidentId }, "could not attach the runbooks of a new incident");
      })
      .finally(() => this.background.delete(work));
    this.background.add(work);
  }

  /** The portal is stopping: start no more background work, and wait up to `timeoutMs` for what runs. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.background]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
