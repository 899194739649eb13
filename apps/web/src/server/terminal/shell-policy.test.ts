import { APP_LABELS, type Container } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { classifyContainer, describeHostAccess } from "./shell-policy";

const HOST = "host_a";
const APP = "app_1";

function container(overrides: Partial<Container> = {}): Container {
  return {
    id: "a".repeat(64),
    name: "wh-web-r1-abcdef12",
    image: `registry.example.com/web@sha256:${"b".repeat(64)}`,
    imageId: `sha256:${"c".repeat(64)}`,
    state: "running",
    health: "none",
    ports: [],
    labels: { [APP_LABELS.managed]: "1", [APP_LABELS.host]: HOST, [APP_LABELS.app]: APP },
    createdAt: 0,
    startedAt: 0,
    finishedAt: null,
    exitCode: null,
    hostAccess: [],
    ...overrides,
  };
}

const team = new Set([APP]);

describe("classifyContainer", () => {
  it("allows a container Wheelhouse runs on this host for an app of the team", () => {
    expect(classifyContainer(container(), HOST, team)).toEqual({ shell: "allowed", reason: null });
  });

  it("keeps an unmanaged container for admins, saying why", () => {
    const decision = classifyContainer(container({ labels: { "com.example": "x" } }), HOST, team);
    expect(decision.shell).toBe("admin-only");
    expect(decision.reason).toMatch(/does not run wh-web-r1-abcdef12 for an app of your team.*only admins/);
  });

  it("keeps another team's app, another host's label and a half-labelled container for admins", () => {
    expect(classifyContainer(container(), HOST, new Set(["app_of_someone_else"])).shell).toBe("admin-only");
    expect(classifyContainer(container(), "host_b", team).shell).toBe("admin-only");
    const noManaged = container({ labels: { [APP_LABELS.app]: APP, [APP_LABELS.host]: HOST } });
    expect(classifyContainer(noManaged, HOST, team).shell).toBe("admin-only");
  });

  it("keeps a managed container that reaches the host for admins, naming each reason", () => {
    const decision = classifyContainer(
      container({ hostAccess: ["docker-socket", "host-path:/srv/data", "host-network"] }),
      HOST,
      team,
    );
    expect(decision).toEqual({
      shell: "admin-only",
      reason:
        "wh-web-r1-abcdef12 mounts the Docker socket, bind-mounts the host's /srv/data and shares the host's network. A shell in it counts as a host shell: only admins may open one.",
    });
  });

  it("fails closed when the portal does not know the container or its agent does not report host access", () => {
    expect(classifyContainer(undefined, HOST, team).shell).toBe("admin-only");
    const { hostAccess: _omitted, ...old } = container();
    const decision = classifyContainer(old, HOST, team);
    expect(decision.shell).toBe("admin-only");
    expect(decision.reason).toMatch(/does not report whether/);
  });
});

describe("describeHostAccess", () => {
  it("reads as a sentence for one, two and more reasons", () => {
    expect(describeHostAccess(["privileged"])).toBe("runs privileged");
    expect(describeHostAccess(["privileged", "host-pid"])).toBe(
      "runs privileged and shares the host's processes (PID namespace)",
    );
  });
});
