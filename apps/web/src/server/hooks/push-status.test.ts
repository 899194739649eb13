// The verdict sentence of "pushed but not deployed": what the facts mean together.
import { describe, expect, it } from "vitest";
import { imageVerdict } from "./push-status";

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

const base = {
  image: "127.0.0.1:5055/shop:latest",
  repository: "127.0.0.1:5055/shop",
  tag: "latest",
  pullPolicy: "always" as const,
  autoDeploy: true,
  lastPush: null,
  live: null,
  lastDeployment: null,
  registry: null,
};

describe("imageVerdict", () => {
  it("says the live release runs the registry's latest", () => {
    const verdict = imageVerdict({
      ...base,
      live: { releaseNumber: 3, digest: A },
      registry: { digest: A, error: null, hostName: "web-1" },
    });
    expect(verdict).toBe(
      "The live release #3 runs the registry's latest for 127.0.0.1:5055/shop:latest (sha256:aaaaaaaaaaaa…).",
    );
  });

  it("names both digests and blames the missing notification when auto-deploy is on", () => {
    const verdict = imageVerdict({
      ...base,
      live: { releaseNumber: 3, digest: A },
      lastPush: { receivedAt: "2026-12-01T10:00:00.000Z", digest: A, deployments: 1 },
      registry: { digest: B, error: null, hostName: "web-1" },
    });
    expect(verdict).toMatch(
      /^The registry's latest for .*shop:latest is sha256:bbbbbbbbbbbb… but the live release #3 runs sha256:aaaaaaaaaaaa…\./,
    );
    expect(verdict).toContain("no push notification for it reached Wheelhouse");
  });

  it("says auto-deploy is off when a push is not live", () => {
    const verdict = imageVerdict({
      ...base,
      autoDeploy: false,
      live: { releaseNumber: 1, digest: A },
      lastPush: { receivedAt: "2026-12-01T10:00:00.000Z", digest: B, deployments: 0 },
    });
    expect(verdict).toContain("The last push for 127.0.0.1:5055/shop:latest is sha256:bbbbbbbbbbbb…");
    expect(verdict).toContain("Auto-deploy is off");
  });

  it("says a deployment of the newest digest is on its way", () => {
    const verdict = imageVerdict({
      ...base,
      live: { releaseNumber: 1, digest: A },
      lastPush: { receivedAt: "2026-12-01T10:00:00.000Z", digest: B, deployments: 1 },
      lastDeployment: {
        id: "d1",
        kind: "deploy",
        status: "Pulling",
        releaseNumber: null,
        digest: B,
        requestedBy: "registry hook",
        createdAt: "2026-12-01T10:00:01.000Z",
      },
    });
    expect(verdict).toBe(
      "A deployment of sha256:bbbbbbbbbbbb… (the last push for 127.0.0.1:5055/shop:latest) is Pulling.",
    );
  });

  it("says pushes do not concern an image pinned to a digest", () => {
    expect(imageVerdict({ ...base, image: `127.0.0.1:5055/shop@${A}`, tag: null })).toBe(
      "The image is pinned to sha256:aaaaaaaaaaaa…: pushes of a tag do not change it.",
    );
  });
});
