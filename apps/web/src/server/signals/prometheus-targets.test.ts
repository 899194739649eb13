import { describe, expect, it } from "vitest";
import { buildTargetGroups, type MetricsInstance, metricsHostPort } from "./prometheus-targets";

const OWN = "portal-machine";

function instance(
  overrides: Partial<Omit<MetricsInstance, "app">> & { app?: Partial<MetricsInstance["app"]> } = {},
): MetricsInstance {
  const { app, ...rest } = overrides;
  return {
    instanceId: "inst-b",
    hostPort: 20001,
    probeHostPort: 21001,
    releaseNumber: 7,
    host: { name: "web-1", factsHostname: OWN },
    ...rest,
    app: {
      name: "shop",
      environment: "production",
      port: 3000,
      probePort: 9090,
      metricsPath: "/metrics",
      metricsPort: null,
      ...app,
    },
  };
}

describe("metricsHostPort", () => {
  it("uses the probe port's host port when metrics are on the probe port (named, or by default)", () => {
    expect(metricsHostPort(instance({ app: { metricsPort: 9090 } }))).toBe(21001);
    expect(metricsHostPort(instance({ app: { metricsPort: null } }))).toBe(21001);
  });

  it("uses the app port's host port when metrics are on the app port, or there is no probe port", () => {
    expect(metricsHostPort(instance({ app: { metricsPort: 3000 } }))).toBe(20001);
    expect(metricsHostPort(instance({ app: { probePort: null, metricsPort: null } }))).toBe(20001);
  });

  it("finds nothing for a port Wheelhouse does not publish, or a probe port not published yet", () => {
    expect(metricsHostPort(instance({ app: { metricsPort: 9100 } }))).toBeNull();
    expect(metricsHostPort(instance({ probeHostPort: null }))).toBeNull();
  });
});

describe("buildTargetGroups", () => {
  it("answers one group per instance with its labels and metrics path, sorted by instance", () => {
    const groups = buildTargetGroups(
      [
        instance(),
        instance({
          instanceId: "inst-a",
          hostPort: 20002,
          releaseNumber: 8,
          host: { name: "web-2", factsHostname: "web-2.internal" },
          app: { name: "api", environment: "staging", probePort: null, metricsPath: "/stats/prom" },
        }),
      ],
      OWN,
    );
    expect(groups).toEqual([
      {
        targets: ["web-2.internal:20002"],
        labels: {
          __metrics_path__: "/stats/prom",
          app: "api",
          environment: "staging",
          host: "web-2",
          release: "8",
          instance: "inst-a",
        },
      },
      {
        targets: ["127.0.0.1:21001"],
        labels: {
          __metrics_path__: "/metrics",
          app: "shop",
          environment: "production",
          host: "web-1",
          release: "7",
          instance: "inst-b",
        },
      },
    ]);
  });

  it("scrapes the portal's own host on 127.0.0.1, also before its agent reported facts", () => {
    const [group] = buildTargetGroups([instance({ host: { name: "local", factsHostname: null } })], OWN);
    expect(group?.targets).toEqual(["127.0.0.1:21001"]);
  });

  it("leaves out instances whose metrics port is not published", () => {
    expect(buildTargetGroups([instance({ app: { metricsPort: 9100 } })], OWN)).toEqual([]);
  });
});
