// Reads a log line: a JSON object (pino, bunyan, zap, logrus, structlog…) gives its level, message
// and other fields; a plain line is kept as it is, with a level guessed from a leading word such as
// "ERROR" or "[warn]". Used by the agent (level filter at the source) and the browser (display).
import { LOG_LEVELS, type LogLevel } from "./log-levels";

export interface ParsedLogLine {
  level: LogLevel | null;
  /** The message of a JSON line; the whole text of a plain line. */
  message: string;
  /** The other fields of a JSON line (time and level removed); null for a plain line. */
  fields: Record<string, unknown> | null;
}

const ALIASES: Record<string, LogLevel> = {
  trace: "trace",
  debug: "debug",
  dbg: "debug",
  info: "info",
  inf: "info",
  information: "info",
  notice: "info",
  warn: "warn",
  warning: "warn",
  wrn: "warn",
  error: "error",
  err: "error",
  eror: "error",
  critical: "fatal",
  crit: "fatal",
  alert: "fatal",
  emerg: "fatal",
  emergency: "fatal",
  fatal: "fatal",
  panic: "fatal",
};

/** pino's numeric levels (10 trace … 60 fatal); syslog severities are not numbers people log as JSON. */
function numericLevel(value: number): LogLevel | null {
  if (value >= 60) return "fatal";
  if (value >= 50) return "error";
  if (value >= 40) return "warn";
  if (value >= 30) return "info";
  if (value >= 20) return "debug";
  if (value >= 10) return "trace";
  return null;
}

export function toLevel(value: unknown): LogLevel | null {
  if (typeof value === "number") return numericLevel(value);
  if (typeof value !== "string") return null;
  const lower = value.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  return ALIASES[lower] ?? null;
}

const LEVEL_KEYS = ["level", "lvl", "severity", "loglevel", "log.level", "levelname"];
const MESSAGE_KEYS = ["msg", "message", "event", "text"];
const TIME_KEYS = ["time", "timestamp", "ts", "@timestamp", "t"];

// A leading level word: "ERROR ...", "[warn] ...", "level=info ...", "2024-… WARN …" (after a time).
const PLAIN_LEVEL =
  /^(?:\S*\d\S*\s+){0,2}[[(<]?(?:level=)?(trace|debug|dbg|info|inf|notice|warn|warning|wrn|error|err|crit|critical|fatal|panic|emerg|alert)\b[\]):>]?/i;

function parseJsonObject(text: string): Record<string, unknown> | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The level alone, cheaply: what the agent needs to filter. */
export function detectLevel(text: string): LogLevel | null {
  // Most lines are plain: skip the JSON attempt unless the line could be an object.
  const first = text.charCodeAt(0);
  if (first === 123 || first === 32 || first === 9) return parseLogLine(text).level;
  const match = PLAIN_LEVEL.exec(text.slice(0, 64));
  return match?.[1] ? toLevel(match[1]) : null;
}

export function parseLogLine(text: string): ParsedLogLine {
  const json = parseJsonObject(text);
  if (json) {
    let level: LogLevel | null = null;
    let message: string | null = null;
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(json)) {
      const lower = key.toLowerCase();
      if (level === null && LEVEL_KEYS.includes(lower)) {
        level = toLevel(value);
        if (level !== null) continue;
      }
      if (message === null && MESSAGE_KEYS.includes(lower) && typeof value === "string") {
        message = value;
        continue;
      }
      if (TIME_KEYS.includes(lower)) continue;
      fields[key] = value;
    }
    return { level, message: message ?? "", fields };
  }
  // Only the head of the line: the pattern backtracks, and a level word comes first or not at all.
  const match = PLAIN_LEVEL.exec(text.slice(0, 64));
  return { level: match?.[1] ? toLevel(match[1]) : null, message: text, fields: null };
}

/** A field's value as one short line of text. */
export function formatFieldValue(value: unknown): string {
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}
