// How refusals of an agent's messages reach the log: once per kind per host per minute, with the
// number refused since the last line. A broken or hostile agent can send thousands of bad messages
// a second; one line each would bury everything else in the log and cost the portal more than the
// messages themselves. Every refusal is still told to the agent and counted in the metrics.

/** Why an agent's message was refused; all but "invalid" are one kind per host, whatever the event. */
export type AgentRefusalKind =
  | "unknown-event"
  | "invalid"
  | "containers-over-cap"
  | "images-over-cap"
  | "sample-time"
  | "other-host-session"
  | "other-host-stream";

export const REFUSAL_LOG_WINDOW_MS = 60_000;

interface Window {
  /** Until when further refusals of this kind are only counted. */
  until: number;
  /** Refusals counted, not logged, since the last line. */
  unlogged: number;
}

export class RefusalLog {
  /** hostId → kind key → its window. Keys are bounded: the kinds above, "invalid" per known event. */
  private readonly hosts = new Map<string, Map<string, Window>>();

  constructor(private readonly windowMs = REFUSAL_LOG_WINDOW_MS) {}

  /**
   * Records a refusal; returns how many of its kind went unlogged before it when this one is to be
   * logged, or null when it is only counted. `event` must be a known event's name for "invalid"
   * (unknown names are the peer's choice, and would make the keys unbounded).
   */
  admit(hostId: string, kind: AgentRefusalKind, event: string, now = Date.now()): number | null {
    const key = kind === "invalid" ? `invalid:${event}` : kind;
    let windows = this.hosts.get(hostId);
    if (!windows) {
      windows = new Map();
      this.hosts.set(hostId, windows);
    }
    const window = windows.get(key);
    if (window && now < window.until) {
      window.unlogged += 1;
      return null;
    }
    windows.set(key, { until: now + this.windowMs, unlogged: 0 });
    return window?.unlogged ?? 0;
  }
}
