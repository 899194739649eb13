// The changed-target rules of an approved request, without a database (issue 14: "a request whose
// target changed in between cannot execute and says why"): each change a case, and the settings
// that do not matter to a deploy (maintenance, auto-deploy, timestamps) changing nothing.
import type { ApprovalParams } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import type { AppRecord } from "../apps/app-record";
import { appFingerprint, bindingProblem, type CurrentTarget } from "./approval-binding";

const app: AppRecord = {
  id: "app-1",
  teamId: "team-1",
  name: "shop",
  environment: "production",
  image: "registry.example.com/shop:1",
  port: 8080,
  healthPath: "/health",
  healthTimeoutSeconds: 60,
  probePort: null,
  livenessPath: null,
  healthIntervalSeconds: 10,
  healthProbeTimeoutSeconds: 2,
  healthFailureThreshold: 3,
  healthSuccessThreshold: 1,
  metricsPath: null,
  metricsPort: null,
  replicas: 2,
  network: "published",
  restartPolicy: "unless-stopped",
  pullPolicy: "always",
  autoDeploy: false,
  domains: ["shop.example.com"],
  hostIds: ["host-1"],
  env: { A: "1", B: "2" },
  sealedSecrets: { TOKEN: "sealed-1" },
  maintenance: false,
  httpsRedirect: false,
  hsts: false,
  createdAt: new Date(Date.UTC(2026, 0, 1)),
};

const params: ApprovalParams = {
  action: "apps.rollback",
  releaseNumber: 3,
  releaseId: "rel-3",
  imageDigest: "sha256:aaa",
  hosts: [{ id: "host-1", name: "web-1" }],
  replicas: 2,
};

const { fingerprint, fields } = appFingerprint(app);
const bound = { appName: "shop", params, binding: { appFingerprint: fingerprint, fields, liveDeploymentId: "dep-5" } };
const unchanged: CurrentTarget = {
  app,
  liveDeploymentId: "dep-5",
  release: { id: "rel-3", imageDigest: "sha256:aaa" },
};

describe("binding of an approval request", () => {
  it("lets an unchanged target execute, whatever maintenance, auto-deploy or the order of env keys", () => {
    expect(bindingProblem(bound, unchanged)).toBeNull();
    const same = { ...app, maintenance: true, autoDeploy: true, env: { B: "2", A: "1" }, createdAt: new Date() };
    expect(bindingProblem(bound, { ...unchanged, app: same })).toBeNull();
  });

  it.each([
    ["the app is gone", { app: null }, "The app shop no longer exists."],
    ["the release is gone", { release: null }, "Release 3 of shop no longer exists: ask again."],
    [
      "the release's digest differs",
      { release: { id: "rel-3", imageDigest: "sha256:bbb" } },
      "Release 3's image digest is not the one reviewed (sha256:aaa): ask again.",
    ],
    [
      "the hosts changed",
      { app: { ...app, hostIds: ["host-1", "host-2"] } },
      "The app's settings changed after the request (hosts): ask again.",
    ],
    [
      "env and replicas changed",
      { app: { ...app, env: { A: "1", B: "3" }, replicas: 4 } },
      "The app's settings changed after the request (replicas, env): ask again.",
    ],
    [
      "a secret was re-entered",
      { app: { ...app, sealedSecrets: { TOKEN: "sealed-2" } } },
      "The app's settings changed after the request (secrets): ask again.",
    ],
    [
      "a health field changed",
      { app: { ...app, healthFailureThreshold: 5 } },
      "The app's settings changed after the request (health check): ask again.",
    ],
    [
      "a newer deployment went Live",
      { liveDeploymentId: "dep-6" },
      "Another deployment went Live after the request (dep-6): ask again.",
    ],
    [
      "the live deployment stopped being Live",
      { liveDeploymentId: null },
      "The deployment that was Live when it was asked is no longer Live: ask again.",
    ],
  ] as const)("refuses when %s", (_name, change, message) => {
    expect(bindingProblem(bound, { ...unchanged, ...change } as CurrentTarget)).toBe(message);
  });

  it("does not look for a release when the action binds none (maintenance)", () => {
    const maintenance = { ...bound, params: { action: "apps.maintenance" as const, enabled: true, hosts: [] } };
    expect(bindingProblem(maintenance, { ...unchanged, release: null })).toBeNull();
  });
});
