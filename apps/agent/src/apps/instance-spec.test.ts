import { APP_LABELS, type InstanceSpec } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { containerName, createOptions, instanceLabels, publishesProbePort, restartPolicy } from "./instance-spec";

const spec: InstanceSpec = {
  instanceId: "cm9x2k4qa0001abcd",
  hostId: "host_1",
  appId: "app_1",
  appName: "billing-api",
  releaseId: "rel_7",
  releaseNumber: 7,
  deploymentId: "dep_3",
  image: `sha256:${"a".repeat(64)}`,
  containerPort: 3000,
  probePort: null,
  network: "published",
  env: { DATABASE_URL: "postgres://secret@db/billing", PORT: "1" },
  restartPolicy: "on-failure",
  logMaxSize: "10m",
  logMaxFile: 3,
};

describe("containerName", () => {
  it("names app, release and the instance id's first 8 characters", () => {
    expect(containerName(spec)).toBe("wh-billing-api-r7-cm9x2k4q");
  });

  it("replaces characters Docker refuses in a name", () => {
    expect(containerName({ ...spec, appName: "Billing API/v2" })).toBe("wh-Billing-API-v2-r7-cm9x2k4q");
  });
});

describe("instanceLabels", () => {
  it("carries every Wheelhouse label, and extra labels cannot overwrite them", () => {
    const labels = instanceLabels(spec, 20_001, {
      "cost-centre": "42",
      [APP_LABELS.port]: "1",
      [APP_LABELS.managed]: "0",
    });
    expect(labels).toEqual({
      "cost-centre": "42",
      "wheelhouse.managed": "1",
      "wheelhouse.host": "host_1",
      "wheelhouse.app": "app_1",
      "wheelhouse.app.name": "billing-api",
      "wheelhouse.release": "rel_7",
      "wheelhouse.release.number": "7",
      "wheelhouse.deployment": "dep_3",
      "wheelhouse.instance": "cm9x2k4qa0001abcd",
      "wheelhouse.port": "20001",
    });
  });
});

describe("restartPolicy", () => {
  it("retries on-failure five times and passes the others through", () => {
    expect(restartPolicy("on-failure")).toEqual({ Name: "on-failure", MaximumRetryCount: 5 });
    expect(restartPolicy("always")).toEqual({ Name: "always", MaximumRetryCount: 0 });
    expect(restartPolicy("no")).toEqual({ Name: "no", MaximumRetryCount: 0 });
  });
});

describe("createOptions", () => {
  it("publishes the container port on 127.0.0.1 only and passes it as PORT", () => {
    const options = createOptions(spec, 20_001, {});
    expect(options.name).toBe("wh-billing-api-r7-cm9x2k4q");
    expect(options.Image).toBe(spec.image);
    // The agent's PORT wins over one in the app's variables.
    expect(options.Env).toEqual(["DATABASE_URL=postgres://secret@db/billing", "PORT=3000"]);
    expect(options.ExposedPorts).toEqual({ "3000/tcp": {} });
    expect(options.HostConfig?.NetworkMode).toBe("bridge");
    expect(options.HostConfig?.PortBindings).toEqual({ "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: "20001" }] });
    expect(options.HostConfig?.RestartPolicy).toEqual({ Name: "on-failure", MaximumRetryCount: 5 });
    expect(options.HostConfig?.LogConfig).toEqual({
      Type: "json-file",
      Config: { "max-size": "10m", "max-file": "3" },
    });
  });

  it("with host networking the app listens on the host port itself and nothing is published", () => {
    const options = createOptions({ ...spec, network: "host" }, 20_002, {});
    expect(options.Env).toContain("PORT=20002");
    expect(options.HostConfig?.NetworkMode).toBe("host");
    expect(options.HostConfig?.PortBindings).toBeUndefined();
    expect(options.ExposedPorts).toBeUndefined();
    expect(options.Labels?.[APP_LABELS.port]).toBe("20002");
  });

  it("publishes a probe port of its own on 127.0.0.1 too, and labels its host port", () => {
    const withProbes = { ...spec, probePort: 9090 };
    expect(publishesProbePort(withProbes)).toBe(true);
    const options = createOptions(withProbes, 20_001, {}, undefined, 20_003);
    expect(options.ExposedPorts).toEqual({ "3000/tcp": {}, "9090/tcp": {} });
    expect(options.HostConfig?.PortBindings).toEqual({
      "3000/tcp": [{ HostIp: "127.0.0.1", HostPort: "20001" }],
      "9090/tcp": [{ HostIp: "127.0.0.1", HostPort: "20003" }],
    });
    expect(options.Labels?.[APP_LABELS.probePort]).toBe("20003");
  });

  it("publishes no second port when the probe port is the app port or the app uses the host's network", () => {
    expect(publishesProbePort({ ...spec, probePort: 3000 })).toBe(false);
    expect(publishesProbePort({ ...spec, probePort: 9090, network: "host" })).toBe(false);
    expect(publishesProbePort(spec)).toBe(false);
    expect(createOptions(spec, 20_001, {}).Labels?.[APP_LABELS.probePort]).toBeUndefined();
  });
});
