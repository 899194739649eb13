import { hostAccessReasonSchema, type InstanceSpec } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { createOptions } from "../apps/instance-spec";
import { hostAccessReasons } from "./host-access";

const SPEC: InstanceSpec = {
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
  env: { DATABASE_URL: "postgres://secret@db/billing" },
  restartPolicy: "on-failure",
  logMaxSize: "10m",
  logMaxFile: 3,
};

describe("hostAccessReasons", () => {
  it("finds nothing in a container like the ones Wheelhouse creates for apps (published port)", () => {
    const options = createOptions({ ...SPEC, network: "published" }, 20_001, {});
    expect(hostAccessReasons({ HostConfig: options.HostConfig, Mounts: [] })).toEqual([]);
  });

  it("names host networking, which an app may ask for", () => {
    const options = createOptions({ ...SPEC, network: "host" }, 20_001, {});
    expect(hostAccessReasons({ HostConfig: options.HostConfig, Mounts: [] })).toEqual(["host-network"]);
  });

  it("names the agent's own kind of container: the Docker socket bind-mounted", () => {
    const reasons = hostAccessReasons({
      HostConfig: { NetworkMode: "bridge" },
      Mounts: [
        { Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock" },
        { Type: "volume", Source: "/var/lib/docker/volumes/agent/_data", Destination: "/etc/wheelhouse" },
        { Type: "tmpfs", Source: "", Destination: "/tmp" },
      ],
    });
    expect(reasons).toEqual(["docker-socket"]);
  });

  it("names privilege, namespaces, devices, capabilities and host paths, and fails closed on unknown mounts", () => {
    const reasons = hostAccessReasons({
      HostConfig: {
        Privileged: true,
        PidMode: "host",
        NetworkMode: "host",
        IpcMode: "host",
        UsernsMode: "host",
        Devices: [{ PathOnHost: "/dev/sda" }],
        CapAdd: ["CAP_SYS_ADMIN"],
      },
      Mounts: [
        { Type: "bind", Source: "/", Destination: "/host" },
        { Type: "npipe", Source: "pipe", Destination: "/p" },
      ],
    });
    expect(reasons).toEqual([
      "privileged",
      "host-pid",
      "host-network",
      "host-ipc",
      "host-userns",
      "devices",
      "capabilities",
      "host-path:/",
      "host-path:/pipe",
    ]);
    for (const reason of reasons) expect(hostAccessReasonSchema.safeParse(reason).success).toBe(true);
  });

  it("does not count harmless capabilities, an empty device list or a private PID namespace", () => {
    expect(
      hostAccessReasons({ HostConfig: { CapAdd: ["NET_BIND_SERVICE"], Devices: [], PidMode: "", IpcMode: "private" } }),
    ).toEqual([]);
  });

  it("keeps the list within the protocol's bound", () => {
    const mounts = Array.from({ length: 40 }, (_, i) => ({
      Type: "bind",
      Source: `/data/${i}`,
      Destination: `/d${i}`,
    }));
    expect(hostAccessReasons({ Mounts: mounts })).toHaveLength(20);
  });
});
