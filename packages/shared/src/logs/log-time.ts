// Times in logs: Docker writes RFC 3339 with up to nine fractional digits and drops trailing zeros,
// so lines are compared on a normalised form with exactly nine (string order = time order).
// Start points people type: "15m", "2h", "3d", "90s", or an ISO time.

const DOCKER_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

const NORMALISED_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

/** "2024-05-01T10:00:00.1234Z" → "2024-05-01T10:00:00.123400000Z"; null when it is not such a time. */
export function normaliseTimestamp(value: string): string | null {
  // Most of the engine's times already have nine digits and "Z": one test, no captures, no copy.
  if (value.length === 30 && NORMALISED_TIME.test(value)) return value;
  const match = DOCKER_TIME.exec(value);
  if (!match) return null;
  const [, whole = "", fraction = "", zone = "Z"] = match;
  if (zone === "Z") return `${whole}.${fraction.padEnd(9, "0")}Z`;
  // An offset: convert through Date for the seconds, keep the nanoseconds.
  const date = new Date(`${whole}${zone}`);
  if (Number.isNaN(date.getTime())) return null;
  return `${date.toISOString().slice(0, 19)}.${fraction.padEnd(9, "0")}Z`;
}

/** The normalised timestamp of a JS time (millisecond precision). */
export function timestampOf(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000000Z`;
}

/** A normalised timestamp as Docker's `since`/`until` parameter: "seconds.nanoseconds" since the epoch. */
export function dockerSinceParameter(ts: string): string {
  const seconds = Math.floor(new Date(`${ts.slice(0, 19)}Z`).getTime() / 1000);
  return `${seconds}.${ts.slice(20, 29)}`;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * "15m" → 15 minutes before `now`; an ISO time (with or without zone; without one it is UTC) → that
 * time. Throws a sentence a person can act on otherwise.
 */
export function parseSince(value: string, now: Date = new Date()): Date {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration) {
    const unit = (duration[2] ?? "s").toLowerCase()[0] ?? "s";
    const ms = Number(duration[1]) * (UNIT_MS[unit] ?? 1_000);
    return new Date(now.getTime() - ms);
  }
  if (/^\d{4}-\d\d-\d\d/.test(text)) {
    const withZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || text.length <= 10 ? text : `${text}Z`;
    const date = new Date(withZone);
    if (!Number.isNaN(date.getTime())) {
      if (date.getTime() > now.getTime()) throw new Error(`"${value}" is in the future.`);
      return date;
    }
  }
  throw new Error(
    `"${value}" is not a start point: use a duration such as 15m, 2h or 3d, or a time such as 2026-05-01T10:00:00Z.`,
  );
}
