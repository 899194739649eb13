// Reads an asciicast v2 recording (the portal's terminal/recording.ts writes them): the header and
// the timed events, for the player.
export interface CastHeader {
  width: number;
  height: number;
  timestamp?: number;
  title?: string;
}

export interface CastEvent {
  time: number;
  kind: "o" | "r";
  data: string;
}

export interface Cast {
  header: CastHeader;
  events: CastEvent[];
  duration: number;
}

export function parseCast(text: string): Cast {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const first = lines[0];
  if (!first) throw new Error("The recording is empty.");
  const header = JSON.parse(first) as CastHeader & { version?: number };
  if (header.version !== 2) throw new Error("This is not an asciicast v2 recording.");
  const events: CastEvent[] = [];
  for (const line of lines.slice(1)) {
    const parsed = JSON.parse(line) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 3) continue;
    const [time, kind, data] = parsed as [unknown, unknown, unknown];
    if (typeof time !== "number" || typeof data !== "string" || (kind !== "o" && kind !== "r")) continue;
    events.push({ time, kind, data });
  }
  return { header, events, duration: events.at(-1)?.time ?? 0 };
}

/** "COLSxROWS" of a resize event. */
export function parseSize(data: string): { cols: number; rows: number } | null {
  const match = /^(\d+)x(\d+)$/.exec(data);
  return match ? { cols: Number(match[1]), rows: Number(match[2]) } : null;
}

/** m:ss (or h:mm:ss) */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
