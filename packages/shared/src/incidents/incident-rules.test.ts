import { describe, expect, it } from "vitest";
import { DEFAULT_INCIDENT_RULES, decideSignal, incidentRulesSchema } from "./incident-rules";
import { type RaisedSignal, raisedSignalSchema, signalFingerprint } from "./signals";

const signal = (overrides: Partial<RaisedSignal>) =>
  raisedSignalSchema.parse({
    teamId: "team",
    kind: "deployment.failed",
    appId: "app",
    hostId: null,
    reasonClass: "deployment",
    summary: "billing-api: deployment failed",
    ...overrides,
  });

describe("default incident rules (issue 13 item 2)", () => {
  it("open a failed deployment as SEV2 in production and SEV4 elsewhere", () => {
    expect(decideSignal(DEFAULT_INCIDENT_RULES, signal({ details: { environment: "production" } }))).toEqual({
      action: "open",
      severity: "SEV2",
    });
    expect(decideSignal(DEFAULT_INCIDENT_RULES, signal({ details: { environment: "staging" } }))).toEqual({
      action: "open",
      severity: "SEV4",
    });
  });

  it("open Unhealthy only when no healthy instance is left: SEV2 in production, SEV3 elsewhere", () => {
    const unhealthy = (environment: string, noHealthyInstanceLeft: boolean) =>
      decideSignal(
        DEFAULT_INCIDENT_RULES,
        signal({
          kind: "instance.unhealthy",
          reasonClass: "readiness",
          details: { environment, noHealthyInstanceLeft },
        }),
      );
    expect(unhealthy("production", true)).toEqual({ action: "open", severity: "SEV2" });
    expect(unhealthy("staging", true)).toEqual({ action: "open", severity: "SEV3" });
    expect(unhealthy("production", false).action).toBe("ignore");
  });

  it("open an agent Lost as SEV3, and an alert at its own severity", () => {
    expect(
      decideSignal(
        DEFAULT_INCIDENT_RULES,
        signal({ kind: "agent.lost", appId: null, hostId: "h", reasonClass: "heartbeat" }),
      ),
    ).toEqual({ action: "open", severity: "SEV3" });
    expect(
      decideSignal(DEFAULT_INCIDENT_RULES, signal({ kind: "alert", reasonClass: "HighLatency", severity: "SEV1" })),
    ).toEqual({
      action: "open",
      severity: "SEV1",
    });
    expect(decideSignal(DEFAULT_INCIDENT_RULES, signal({ kind: "alert", reasonClass: "HighLatency" }))).toEqual({
      action: "open",
      severity: "SEV3",
    });
  });

  it("let the first matching rule decide, and ignore what no rule matches", () => {
    const rules = incidentRulesSchema.parse([
      { kind: "deployment.failed", action: "ignore" },
      ...DEFAULT_INCIDENT_RULES,
    ]);
    expect(decideSignal(rules, signal({ details: { environment: "production" } })).action).toBe("ignore");
    expect(decideSignal([], signal({})).action).toBe("ignore");
  });
});

describe("signal fingerprints", () => {
  it("are equal for repeats of one problem and differ by kind, app, host and reason class", () => {
    const base = signal({ kind: "instance.unhealthy", reasonClass: "readiness", hostId: "h1" });
    expect(signalFingerprint(base)).toBe(signalFingerprint({ ...base, summary: "another sentence" } as typeof base));
    expect(signalFingerprint(base)).not.toBe(signalFingerprint({ ...base, reasonClass: "liveness" }));
    expect(signalFingerprint(base)).not.toBe(signalFingerprint({ ...base, appId: "other" }));
    expect(signalFingerprint({ ...base, appId: null, hostId: null })).toBe("instance.unhealthy:-:-:readiness");
  });
});
