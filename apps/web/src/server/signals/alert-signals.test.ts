import { alertmanagerWebhookSchema, raisedSignalSchema, signalFingerprint } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { alertSignal, severityFromLabel } from "./alert-signals";

describe("severityFromLabel", () => {
  it.each([
    ["SEV1", "SEV1"],
    ["sev2", "SEV2"],
    [" SEV4 ", "SEV4"],
    ["critical", "SEV1"],
    ["Critical", "SEV1"],
    ["error", "SEV2"],
    ["major", "SEV2"],
    ["high", "SEV2"],
    ["warning", "SEV3"],
    ["info", "SEV4"],
    ["low", "SEV4"],
    ["none", "SEV4"],
  ])("maps %s to %s", (label, expected) => {
    expect(severityFromLabel(label)).toBe(expected);
  });

  it.each([undefined, "", "SEV5", "sev0", "page", "urgent-ish"])("leaves %s to the rules (null)", (label) => {
    expect(severityFromLabel(label)).toBeNull();
  });
});

/** A body as Alertmanager 0.25 sends it, parsed like the route does. */
function body(alerts: unknown[]) {
  return alertmanagerWebhookSchema.parse({
    version: "4",
    groupKey: '{}:{alertname="HighErrorRate"}',
    status: "firing",
    receiver: "wheelhouse",
    groupLabels: { alertname: "HighErrorRate" },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://alertmanager:9093",
    alerts,
  });
}

const firing = {
  status: "firing",
  labels: { alertname: "HighErrorRate", app: "shop", host: "web-1", severity: "critical" },
  annotations: { summary: "5% of shop's requests fail", description: "longer words" },
  startsAt: "2026-12-01T03:00:00Z",
  endsAt: "0001-01-01T00:00:00Z",
  fingerprint: "a1b2c3",
};
const known = {
  app: { id: "app-1", name: "shop", environment: "production" },
  host: { id: "host-1", name: "web-1" },
};

describe("alertSignal", () => {
  it("attaches a firing alert to the app and host its labels name, with the alert's own severity", () => {
    const alert = body([firing]).alerts[0];
    if (!alert) throw new Error("no alert");
    const signal = raisedSignalSchema.parse(alertSignal("team-1", alert, "group", known));
    expect(signal).toMatchObject({
      teamId: "team-1",
      kind: "alert",
      appId: "app-1",
      hostId: "host-1",
      reasonClass: "HighErrorRate",
      summary: "5% of shop's requests fail",
      state: "firing",
      severity: "SEV1",
      details: { environment: "production", fingerprint: "a1b2c3", groupKey: "group" },
    });
    expect(signal.details.labels).toEqual(firing.labels);
  });

  it("gives the resolved alert the firing one's fingerprint, and the state resolved", () => {
    const [fire, resolved] = body([firing, { ...firing, status: "resolved", endsAt: "2026-12-01T03:05:00Z" }]).alerts;
    if (!fire || !resolved) throw new Error("no alerts");
    const a = raisedSignalSchema.parse(alertSignal("team-1", fire, "g", known));
    const b = raisedSignalSchema.parse(alertSignal("team-1", resolved, "g", known));
    expect(b.state).toBe("resolved");
    expect(signalFingerprint(b)).toBe(signalFingerprint(a));
  });

  it("keeps unknown names in the summary and leaves severity to the rules when the label is missing", () => {
    const alert = body([
      {
        status: "firing",
        labels: { alertname: "DiskFull", app: "ghost", host: "nowhere" },
        annotations: { description: "The disk is full" },
        startsAt: "2026-12-01T03:00:00Z",
      },
    ]).alerts[0];
    if (!alert) throw new Error("no alert");
    const signal = raisedSignalSchema.parse(alertSignal("team-1", alert, "g", { app: null, host: null }));
    expect(signal.appId).toBeNull();
    expect(signal.hostId).toBeNull();
    expect(signal.severity).toBeNull();
    expect(signal.summary).toBe('The disk is full (app "ghost", host "nowhere": not known to Wheelhouse)');
    expect(signal.details.environment).toBeNull();
  });

  it("falls back to the alert's name for the summary, and bounds what it keeps", () => {
    const labels: Record<string, string> = { alertname: "Noisy" };
    for (let i = 0; i < 100; i++) labels[`l${i}`] = "x".repeat(2_000);
    const alert = body([{ status: "firing", labels, startsAt: "2026-12-01T03:00:00Z" }]).alerts[0];
    if (!alert) throw new Error("no alert");
    const signal = raisedSignalSchema.parse(alertSignal("team-1", alert, "g", { app: null, host: null }));
    expect(signal.summary).toBe("Noisy");
    const kept = signal.details.labels as Record<string, string>;
    expect(Object.keys(kept).length).toBe(40);
    expect(Math.max(...Object.values(kept).map((value) => value.length))).toBe(500);
  });
});
