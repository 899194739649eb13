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

// A leading level word: "ERROR ...", "[warn] ...", "level=info ...", "2024-… WARN …" (after a time):
// the word may follow up to two tokens that contain a digit (a date, a time, a pid). Scanned by hand,
// not with a backtracking regular expression: the agent reads the level of every line it relays,
// and at 100,000 lines/s the regex alone took a sixth of a core (log-parse.test.ts holds the two
// to the same answers).
const LEVEL_WORDS = new Set([
  "trace",
  "debug",
  "dbg",
  "info",
  "inf",
  "notice",
  "warn",
  "warning",
  "wrn",
  "error",
  "err",
  "crit",
  "critical",
  "fatal",
  "panic",
  "emerg",
  "alert",
]);
/** Only the head of a line is read: a level word comes first or not at all. */
const PLAIN_LEVEL_HEAD = 64;

/** What `\s` matches in a JavaScript regular expression. */
const isSpace = (c: number) =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The level word at `at` (a run of letters that ends at a word boundary), if it is one. */
function wordAt(head: string, at: number): LogLevel | null {
  let end = at;
  while (end < head.length && isLetter(head.charCodeAt(end))) end += 1;
  if (end === at) return null;
  const next = head.charCodeAt(end);
  // A word boundary: not followed by a digit or an underscore (a letter would have been read).
  if (isDigit(next) || next === 95) return null;
  // The level words are 3 to 8 letters long: most words need no lower-casing and look-up.
  if (end - at < 3 || end - at > 8) return null;
  const word = head.slice(at, end).toLowerCase();
  return LEVEL_WORDS.has(word) ? toLevel(word) : null;
}

/** The level word starting at `at`, after an optional "[", "(" or "<" and an optional "level=". */
function levelWordAt(head: string, at: number): LogLevel | null {
  const open = head.charCodeAt(at);
  const i = open === 91 || open === 40 || open === 60 ? at + 1 : at;
  // "level=" in any case (a letter's code with bit 5 set is its lower case).
  if ((head.charCodeAt(i) | 32) === 108 && head.slice(i, i + 6).toLowerCase() === "level=") {
    const word = wordAt(head, i + 6);
    if (word) return word;
  }
  return wordAt(head, i);
}

/** The level of a plain line from its leading word, or null. */
export function plainLineLevel(text: string): LogLevel | null {
  const head = text.length > PLAIN_LEVEL_HEAD ? text.slice(0, PLAIN_LEVEL_HEAD) : text;
  // Where the word may start: the beginning, and after each of up to two leading tokens that hold a digit.
  const starts = [0];
  let at = 0;
  while (starts.length < 3) {
    let i = at;
    let digit = false;
    while (i < head.length && !isSpace(head.charCodeAt(i))) {
      if (isDigit(head.charCodeAt(i))) digit = true;
      i += 1;
    }
    if (!digit || i === at || i >= head.length) break;
    while (i < head.length && isSpace(head.charCodeAt(i))) i += 1;
    starts.push(i);
    at = i;
  }
  // The longest prefix first, as the greedy pattern this replaces did.
  for (let k = starts.length - 1; k >= 0; k -= 1) {
    const level = levelWordAt(head, starts[k] as number);
    if (level) return level;
  }
  return null;
}

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
  return plainLineLevel(text);
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
  return { level: plainLineLevel(text), message: text, fields: null };
}

/** A field's value as one short line of text. */
export function formatFieldValue(value: unknown): string {
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}
