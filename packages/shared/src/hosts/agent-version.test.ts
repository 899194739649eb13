import { describe, expect, it } from "vitest";
import { agentVersionStatus, compareSemVer, parseSemVer } from "./agent-version";

function order(a: string, b: string): number {
  const left = parseSemVer(a);
  const right = parseSemVer(b);
  if (!left || !right) throw new Error(`not semver: ${a} or ${b}`);
  return compareSemVer(left, right);
}

describe("agent versions", () => {
  it("compares numerically, not as text", () => {
    expect(order("0.9.0", "0.10.0")).toBe(-1);
    expect(order("1.10.0", "1.9.9")).toBe(1);
    expect(order("2.0.0", "10.0.0")).toBe(-1);
    expect(order("1.2.3", "v1.2.3")).toBe(0);
  });

  it("orders pre-releases below their release, as semver.org §11 does", () => {
    const sorted = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
    ];
    for (let i = 0; i + 1 < sorted.length; i++) {
      expect(order(sorted[i] as string, sorted[i + 1] as string), `${sorted[i]} < ${sorted[i + 1]}`).toBe(-1);
      expect(order(sorted[i + 1] as string, sorted[i] as string)).toBe(1);
    }
  });

  it("ignores build metadata", () => {
    expect(order("1.0.0+20260101", "1.0.0+build.7")).toBe(0);
  });

  it("says older, current or newer against the portal", () => {
    expect(agentVersionStatus("0.1.0", "0.2.0")).toBe("older");
    expect(agentVersionStatus("0.2.0-rc.1", "0.2.0")).toBe("older");
    expect(agentVersionStatus("0.2.0", "0.2.0")).toBe("current");
    expect(agentVersionStatus("0.3.0", "0.2.0")).toBe("newer");
  });

  it("counts a missing or non-semver version as unknown, not older", () => {
    expect(agentVersionStatus(null, "0.2.0")).toBe("unknown");
    expect(agentVersionStatus("", "0.2.0")).toBe("unknown");
    expect(agentVersionStatus("test", "0.2.0")).toBe("unknown");
    expect(agentVersionStatus("0.1", "0.2.0")).toBe("unknown");
    expect(agentVersionStatus("01.0.0", "0.2.0")).toBe("unknown");
    expect(agentVersionStatus("0.1.0", "dev")).toBe("unknown");
  });
});
