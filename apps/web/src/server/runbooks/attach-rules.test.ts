// Which runbooks attach by themselves: any rule may match; within a rule every named condition
// must hold; a runbook without rules never attaches by itself.
import type { AttachRule } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { attachesTo, type OpeningFacts, reasonOfFingerprint, ruleMatches } from "./attach-rules";

const unhealthyInProduction: OpeningFacts = {
  signal: "instance.unhealthy",
  reason: "readiness",
  severity: "SEV2",
  environment: "production",
};

describe("ruleMatches", () => {
  it.each<[string, AttachRule, boolean]>([
    ["the signal kind alone", { signal: "instance.unhealthy" }, true],
    ["another signal kind", { signal: "deployment.failed" }, false],
    ["kind and reason", { signal: "instance.unhealthy", reason: "readiness" }, true],
    ["another reason", { signal: "instance.unhealthy", reason: "liveness" }, false],
    ["a severity among those listed", { severity: ["SEV1", "SEV2"] }, true],
    ["a severity not listed", { severity: ["SEV3", "SEV4"] }, false],
    ["the environment", { environment: "production" }, true],
    ["another environment", { environment: "staging" }, false],
    ["every condition but one", { signal: "instance.unhealthy", severity: ["SEV2"], environment: "staging" }, false],
  ])("%s → %s", (_what, rule, expected) => {
    expect(ruleMatches(rule, unhealthyInProduction)).toBe(expected);
  });

  it("never matches an environment rule for an incident without an app", () => {
    expect(ruleMatches({ environment: "production" }, { ...unhealthyInProduction, environment: null })).toBe(false);
    expect(
      ruleMatches({ signal: "agent.lost" }, { ...unhealthyInProduction, signal: "agent.lost", environment: null }),
    ).toBe(true);
  });
});

describe("attachesTo", () => {
  it("attaches when any rule matches, and never without rules", () => {
    expect(attachesTo({ attach: [{ signal: "alert" }, { reason: "readiness" }] }, unhealthyInProduction)).toBe(true);
    expect(attachesTo({ attach: [{ signal: "alert" }, { reason: "liveness" }] }, unhealthyInProduction)).toBe(false);
    expect(attachesTo({ attach: [] }, unhealthyInProduction)).toBe(false);
  });
});

describe("reasonOfFingerprint", () => {
  it("reads the reason class back, even one holding a colon", () => {
    expect(reasonOfFingerprint("instance.unhealthy:app1:host1:readiness")).toBe("readiness");
    expect(reasonOfFingerprint("alert:-:-:HighLatency:p99")).toBe("HighLatency:p99");
  });
});
