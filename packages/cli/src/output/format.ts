// Small text formatters shared by the commands' human-readable output.

const ESC = "\u001b";
const BEL = "\u0007";
/** CSI sequences (colours, cursor moves) and OSC sequences (window titles, links). */
const ESCAPE_SEQUENCE = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`, "g");
const COLOUR_CODE = new RegExp(`${ESC}\\[[0-9;]*m`, "g");

function isControl(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
}

/**
 * Text the portal sends (log lines, reasons, names) without escape sequences or control characters
 * but tab: a container's output must not be able to recolour or retitle the person's terminal.
 */
export function clean(text: string): string {
  return [...text.replace(ESCAPE_SEQUENCE, "")].filter((character) => !isControl(character)).join("");
}

/** Text without our own colour codes, for measuring how wide it shows. */
export function stripColour(text: string): string {
  return text.replace(COLOUR_CODE, "");
}

/** The first characters of a key, enough to tell keys apart and useless to an attacker. */
export function maskToken(token: string): string {
  return `${token.slice(0, Math.min(8, Math.floor(token.length / 4)))}…`;
}

/** Seconds with one decimal below ten minutes ("12.3 s"), minutes and seconds above. */
export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  if (seconds < 600) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const UNITS: [limitSeconds: number, divisor: number, unit: string][] = [
  [60, 1, "s"],
  [3_600, 60, "min"],
  [86_400, 3_600, "h"],
  [Number.POSITIVE_INFINITY, 86_400, "d"],
];

/** "in 23 h", "in 5 min" for a time ahead (an expiry); one already past reads as formatRelativeTime. */
export function formatTimeUntil(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((then - now.getTime()) / 1000);
  if (seconds < 0) return formatRelativeTime(iso, now);
  if (seconds < 5) return "now";
  for (const [limit, divisor, unit] of UNITS) {
    if (seconds < limit) return `in ${Math.floor(seconds / divisor)} ${unit}`;
  }
  return iso;
}

/** "just now", "5 min ago", "3 d ago"; the ISO date itself when it cannot be read. */
export function formatRelativeTime(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 5) return "just now";
  for (const [limit, divisor, unit] of UNITS) {
    if (seconds < limit) return `${Math.floor(seconds / divisor)} ${unit} ago`;
  }
  return iso;
}
