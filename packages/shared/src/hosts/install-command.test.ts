import { describe, expect, it } from "vitest";
import { agentContainerCommand, agentEnrollCommand, agentInstallCommand } from "./install-command";

const token = "whe_AbC-123_xyz";

describe("install lines", () => {
  it("installs and enrols with the token in one line", () => {
    expect(agentInstallCommand("https://wheelhouse.example.com", token)).toBe(
      `curl -fsSL https://wheelhouse.example.com/install/agent.sh | sudo sh -s -- --token ${token}`,
    );
  });

  it("upgrades without a token, and keeps a path prefix without doubling slashes", () => {
    expect(agentInstallCommand("https://example.com/wheelhouse/")).toBe(
      "curl -fsSL https://example.com/wheelhouse/install/agent.sh | sudo sh",
    );
  });

  it("quotes an address a shell would otherwise split or expand", () => {
    expect(agentInstallCommand("https://example.com/a b&c'd", token)).toBe(
      `curl -fsSL 'https://example.com/a b&c'\\''d/install/agent.sh' | sudo sh -s -- --token ${token}`,
    );
  });

  it("keeps the manual and container ways", () => {
    expect(agentEnrollCommand("http://127.0.0.1:3000", token)).toBe(
      `wheelhouse-agent enroll --portal http://127.0.0.1:3000 --token ${token} && wheelhouse-agent run`,
    );
    const container = agentContainerCommand("http://127.0.0.1:3000", token);
    expect(container).toContain(`wheelhouse-agent enroll --portal http://127.0.0.1:3000 --token ${token} &&`);
    expect(container).toContain("docker run -d --restart unless-stopped --name wheelhouse-agent");
  });
});
