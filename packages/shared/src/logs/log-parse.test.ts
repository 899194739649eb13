import { describe, expect, it } from "vitest";
import { CursorTracker, compileFilter, skipDelivered } from "./log-filter";
import { atLeast } from "./log-levels";
import { parseLogLine, plainLineLevel, toLevel } from "./log-parse";
import { dockerSinceParameter, normaliseTimestamp, parseSince } from "./log-time";

describe("parseLogLine", () => {
  it("reads pino's numeric level, msg and the other fields, without time", () => {
    const parsed = parseLogLine('{"level":50,"time":"2026-01-01T00:00:00.000Z","msg":"db down","host":"a","retry":3}');
    expect(parsed).toEqual({ level: "error", message: "db down", fields: { host: "a", retry: 3 } });
  });
  it("reads string levels under other keys and aliases", () => {
    expect(parseLogLine('{"severity":"WARNING","message":"slow"}').level).toBe("warn");
    expect(parseLogLine('{"lvl":"crit","event":"boom"}')).toMatchObject({ level: "fatal", message: "boom" });
    expect(parseLogLine('{"level":"verbose","msg":"x"}')).toEqual({
      level: null,
      message: "x",
      fields: { level: "verbose" },
    });
  });
  it("keeps plain lines as they are and guesses a leading level word", () => {
    expect(parseLogLine("ERROR could not connect")).toEqual({
      level: "error",
      message: "ERROR could not connect",
      fields: null,
    });
    expect(parseLogLine("[warn] disk 91%").level).toBe("warn");
    expect(parseLogLine("2026-01-01 10:00:00 INFO started").level).toBe("info");
    expect(parseLogLine("level=debug msg=hi").level).toBe("debug");
    expect(parseLogLine("GET /health 200").level).toBeNull();
    expect(parseLogLine("{not json").fields).toBeNull();
    expect(parseLogLine("[1,2]").fields).toBeNull();
  });
  it("maps numbers and names to levels", () => {
    expect([10, 20, 30, 40, 50, 60, 5].map(toLevel)).toEqual([
      "trace",
      "debug",
      "info",
      "warn",
      "error",
      "fatal",
      null,
    ]);
    expect(atLeast("warn", "info")).toBe(true);
    expect(atLeast("debug", "info")).toBe(false);
    expect(atLeast(null, "info")).toBe(false);
    expect(atLeast(null, undefined)).toBe(true);
  });
});

describe("times", () => {
  const now = new Date("2026-05-01T12:00:00.000Z");
  it("parses durations and ISO times", () => {
    expect(parseSince("15m", now).toISOString()).toBe("2026-05-01T11:45:00.000Z");
    expect(parseSince("2h", now).toISOString()).toBe("2026-05-01T10:00:00.000Z");
    expect(parseSince("3d", now).toISOString()).toBe("2026-04-28T12:00:00.000Z");
    expect(parseSince("90s", now).toISOString()).toBe("2026-05-01T11:58:30.000Z");
    expect(parseSince("2026-05-01T10:30:00Z", now).toISOString()).toBe("2026-05-01T10:30:00.000Z");
    expect(parseSince("2026-05-01T10:30:00", now).toISOString()).toBe("2026-05-01T10:30:00.000Z");
    expect(parseSince("2026-05-01T12:30:00+02:00", now).toISOString()).toBe("2026-05-01T10:30:00.000Z");
  });
  it("refuses what is not a start point, or lies in the future, with a sentence", () => {
    expect(() => parseSince("yesterday", now)).toThrow(/15m, 2h or 3d/);
    expect(() => parseSince("2027-01-01T00:00:00Z", now)).toThrow(/future/);
  });
  it("normalises Docker timestamps to nine digits so strings sort as times", () => {
    expect(normaliseTimestamp("2026-05-01T10:00:00.1234Z")).toBe("2026-05-01T10:00:00.123400000Z");
    expect(normaliseTimestamp("2026-05-01T10:00:00Z")).toBe("2026-05-01T10:00:00.000000000Z");
    expect(normaliseTimestamp("2026-05-01T12:00:00.5+02:00")).toBe("2026-05-01T10:00:00.500000000Z");
    expect(normaliseTimestamp("nope")).toBeNull();
    expect(dockerSinceParameter("2026-05-01T10:00:00.123400000Z")).toBe("1777629600.123400000");
  });
});

describe("filters and cursors", () => {
  it("matches case-insensitively and by minimum level", () => {
    const match = compileFilter({ grep: "Timeout", minLevel: "warn" });
    expect(match("upstream TIMEOUT", "error")).toBe(true);
    expect(match("upstream timeout", "info")).toBe(false);
    expect(match("all good", "error")).toBe(false);
  });
  it("skips exactly what a cursor says was delivered", () => {
    const tracker = new CursorTracker();
    for (const ts of ["a1", "a2", "a2"]) tracker.advance(ts);
    expect(tracker.cursor).toEqual({ ts: "a2", count: 2 });
    const keep = skipDelivered(tracker.cursor);
    expect(["a1", "a2", "a2", "a2", "a3"].filter(keep)).toEqual(["a2", "a3"]);
  });
});

describe("detectLevel", () => {
  it("agrees with parseLogLine on JSON and plain lines", async () => {
    const { detectLevel } = await import("./log-parse");
    for (const text of [
      '{"level":40,"msg":"x"}',
      '  {"severity":"error"}',
      "WARN disk",
      "plain",
      "[error] x",
      "{broken",
    ]) {
      expect(detectLevel(text)).toBe(parseLogLine(text).level);
    }
  });
});

describe("plainLineLevel", () => {
  // The regular expression the scanner replaced: the two must agree on every line.
  const REFERENCE =
    /^(?:\S*\d\S*\s+){0,2}[[(<]?(?:level=)?(trace|debug|dbg|info|inf|notice|warn|warning|wrn|error|err|crit|critical|fatal|panic|emerg|alert)\b[\]):>]?/i;
  const reference = (text: string) => {
    const match = REFERENCE.exec(text.slice(0, 64));
    return match?.[1] ? toLevel(match[1]) : null;
  };
  const pieces = [
    "ERROR",
    "warn",
    "Warning",
    "[info]",
    "(debug)",
    "<crit>",
    "level=",
    "LEVEL=",
    "err_x",
    "error2",
    "errors",
    "2026-01-01",
    "10:00:00.123",
    "pid=42",
    "7",
    " ",
    "  ",
    "\t",
    "\u00a0",
    "x",
    "[",
    "level=info",
    "fatal:",
    "notice",
    "inf",
    "a1",
    "GET",
    "/health",
    "200",
    "é",
    "_",
    "panic!",
    "\u3000",
  ];
  it("agrees with the reference pattern on crafted and generated lines", () => {
    const crafted = [
      "ERROR could not connect",
      "[warn] disk 91%",
      "2026-01-01 10:00:00 INFO started",
      "a1 b2 c3 error",
      "a1 b2 error",
      "[info]2 warn",
      "level=[warn]",
      `${"x".repeat(70)} error`,
      `${"1".repeat(60)} error`,
      "",
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const generated = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join(
        random() < 0.5 ? " " : "",
      ),
    );
    for (const line of [...crafted, ...generated])
      expect([line, plainLineLevel(line)]).toEqual([line, reference(line)]);
  });
});
