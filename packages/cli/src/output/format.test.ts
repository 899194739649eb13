import { describe, expect, it } from "vitest";
import { clean, formatDuration, formatRelativeTime, maskToken, stripColour } from "./format";
import { renderTable } from "./table";

describe("text from the portal", () => {
  it("loses terminal escape sequences and control characters, keeping the words", () => {
    expect(clean("\u001b[31mred\u001b[39m \u001b]0;title\u0007pull\rcomplete\u0000")).toBe("red pullcomplete");
    expect(clean("tab\tstays")).toBe("tab\tstays");
  });
});

describe("formatters", () => {
  it("masks a key down to its prefix", () => {
    const masked = maskToken("wh_live_7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b");
    expect(masked).toBe("wh_live_…");
    expect(maskToken("short")).toBe("s…");
  });

  it("shows durations in seconds with one decimal, minutes beyond ten", () => {
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(754_000)).toBe("12 min 34 s");
  });

  it("shows times relative to now", () => {
    const now = new Date("2026-11-22T12:00:00Z");
    expect(formatRelativeTime("2026-11-22T11:59:58Z", now)).toBe("just now");
    expect(formatRelativeTime("2026-11-22T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelativeTime("2026-11-19T12:00:00Z", now)).toBe("3 d ago");
    expect(formatRelativeTime("not a date", now)).toBe("not a date");
  });
});

describe("tables", () => {
  it("align columns by what a terminal shows, colour codes included, with - for empty cells", () => {
    const table = renderTable(
      ["NAME", "STATUS", "LIVE"],
      [
        ["billing-api", "\u001b[32mLive\u001b[39m", 3],
        ["x", "Failed", null],
      ],
    );
    expect(stripColour(table)).toBe("NAME         STATUS  LIVE\nbilling-api  Live    3\nx            Failed  -\n");
  });
});
