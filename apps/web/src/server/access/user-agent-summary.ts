// A readable "browser on system" for a session's stored user agent, for the Account page's
// Sessions table. Hand-written and small on purpose: a person needs to tell "Firefox on Linux"
// from "Safari on iPhone", not an exact device model, and no parser is a dependency already.
// Order matters: most browsers also claim to be the ones they grew from (Edge says Chrome and
// Safari, Chrome says Safari), so the more specific names are tried first.

const UNKNOWN = "Unknown device";

/** [name, pattern capturing the major version]; the first that matches names the browser. */
const BROWSERS: readonly (readonly [string, RegExp])[] = [
  ["Edge", /\b(?:Edg|EdgA|EdgiOS|Edge)\/(\d+)/],
  ["Opera", /\b(?:OPR|OPiOS)\/(\d+)/],
  ["Samsung Internet", /\bSamsungBrowser\/(\d+)/],
  ["Vivaldi", /\bVivaldi\/(\d+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/(\d+)/],
  ["Headless Chrome", /\bHeadlessChrome\/(\d+)/],
  ["Chromium", /\bChromium\/(\d+)/],
  ["Chrome", /\b(?:Chrome|CriOS)\/(\d+)/],
  // Safari's own version is in "Version/"; "Safari/" carries the WebKit build.
  ["Safari", /\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
];

/** Programs rather than browsers: named as they are, with their version when they give one. */
const PROGRAMS: readonly (readonly [string, RegExp])[] = [
  ["curl", /^curl\/(\d+)/],
  ["Wget", /^Wget\/(\d+)/],
  ["Node.js", /^node(?:-fetch)?(?:\/(\d+))?$/],
  ["Python", /^python-(?:requests|urllib\d?|httpx)\/(\d+)/],
  ["Go", /^Go-http-client\/(\d+)/],
];

/** [name, pattern]: the first that matches names the system. iPhone and iPad before macOS: iPadOS may say "Macintosh". */
const SYSTEMS: readonly (readonly [string, RegExp])[] = [
  ["iPhone", /\biPhone\b/],
  ["iPad", /\biPad\b/],
  ["Android", /\bAndroid\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["Windows", /\bWindows\b/],
  ["macOS", /\bMac OS X\b|\bMacintosh\b/],
  ["Linux", /\bLinux\b|\bX11\b/],
];

function named(list: readonly (readonly [string, RegExp])[], userAgent: string): string | null {
  for (const [name, pattern] of list) {
    const match = pattern.exec(userAgent);
    if (match) return match[1] ? `${name} ${match[1]}` : name;
  }
  return null;
}

export function summarizeUserAgent(userAgent: string | null | undefined): string {
  const ua = userAgent?.trim() ?? "";
  if (!ua) return UNKNOWN;
  const program = named(PROGRAMS, ua);
  if (program) return program;
  const browser = named(BROWSERS, ua);
  const system = named(SYSTEMS, ua);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `A browser on ${system}`;
  // Something we do not know: its first word, bounded, is more helpful than nothing.
  const first = ua.split(/[\s/;(]/)[0]?.slice(0, 40);
  return first ? first : UNKNOWN;
}
