// The live-health fields of an app (issue 13) on a real SQLite database: defaults, the rules between
// fields with their sentences, update semantics (left out keeps, null clears), and releases made
// before these fields existed, which must still run (with the defaults) on a rollback.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import { readReleaseConfig, snapshotConfig } from "../releases/release-config";
import { type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { createApp, updateApp } from "./apps";

let scratch: ScratchDatabase;
const box = createSecretBox(randomBytes(32));

beforeAll(async () => {
  scratch = await scratchDatabase("app-health");
});

afterAll(async () => {
  await scratch.dispose();
});

async function newTeam() {
  const { team, host } = await teamWithApp(scratch.db);
  const create = (fields: Record<string, unknown>) =>
    createApp(scratch.db, box, team.id, {
      name: `api-${randomBytes(3).toString("hex")}`,
      image: "example/api:1",
      port: 8080,
      hosts: [host.id],
      ...fields,
    });
  return { teamId: team.id, create };
}

describe("an app's health-check fields", () => {
  it("default to the app port, no liveness probe, every 10 s with 2 s, 3 failures and 2 successes", async () => {
    const { create } = await newTeam();
    expect(await create({})).toMatchObject({
      probePort: null,
      livenessPath: null,
      healthIntervalSeconds: 10,
      healthProbeTimeoutSeconds: 2,
      healthFailureThreshold: 3,
      healthSuccessThreshold: 2,
      metricsPath: null,
      metricsPort: null,
    });
  });

  it("refuse a probe timeout longer than the interval and a metrics port that is not published, with sentences", async () => {
    const { create } = await newTeam();
    await expect(create({ healthIntervalSeconds: 2, healthProbeTimeoutSeconds: 3 })).rejects.toThrow(
      "The probe timeout (3 s) must not be longer than the probe interval (2 s).",
    );
    await expect(create({ probePort: 9090, metricsPath: "/metrics", metricsPort: 9100 })).rejects.toThrow(
      "The metrics port must be the app port (8080) or the probe port (9090): only those are published.",
    );
    await expect(create({ metricsPath: "/metrics", metricsPort: 9090 })).rejects.toThrow(
      "The metrics port must be the app port (8080): only those are published.",
    );
    await expect(create({ healthFailureThreshold: 21 })).rejects.toThrow(
      "The failure threshold is a whole number from 1 to 20.",
    );
    // Equal is allowed: the agent chains its probes.
    expect(await create({ healthIntervalSeconds: 1, healthProbeTimeoutSeconds: 1 })).toMatchObject({
      healthIntervalSeconds: 1,
    });
  });

  it("on update keep what is left out, clear what is null, and check the rules against the whole app", async () => {
    const { teamId, create } = await newTeam();
    const app = await create({ probePort: 9090, livenessPath: "/live", metricsPath: "/metrics", metricsPort: 9090 });
    const kept = await updateApp(scratch.db, box, teamId, { name: app.name, healthIntervalSeconds: 30 });
    expect(kept.app).toMatchObject({ probePort: 9090, livenessPath: "/live", healthIntervalSeconds: 30 });
    expect(kept.changed).toEqual(["healthIntervalSeconds"]);
    // Clearing the probe port would leave metrics on an unpublished port.
    await expect(updateApp(scratch.db, box, teamId, { name: app.name, probePort: null })).rejects.toThrow(
      /The metrics port must be the app port \(8080\)/,
    );
    const cleared = await updateApp(scratch.db, box, teamId, {
      name: app.name,
      probePort: null,
      metricsPort: null,
      livenessPath: null,
    });
    expect(cleared.app).toMatchObject({
      probePort: null,
      metricsPort: null,
      livenessPath: null,
      metricsPath: "/metrics",
    });
  });

  it("are frozen with each release, and a release made before them reads back with the defaults", async () => {
    const { create } = await newTeam();
    const app = await create({ probePort: 9090, livenessPath: "/live", healthIntervalSeconds: 5 });
    const config = readReleaseConfig(JSON.stringify(snapshotConfig(app)));
    expect(config).toMatchObject({ probePort: 9090, livenessPath: "/live", healthIntervalSeconds: 5 });
    const old = {
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 30,
      replicas: 1,
      network: "published",
      restartPolicy: "unless-stopped",
      env: {},
      sealedSecrets: {},
    };
    expect(readReleaseConfig(JSON.stringify(old))).toMatchObject({
      probePort: null,
      livenessPath: null,
      healthIntervalSeconds: 10,
      healthProbeTimeoutSeconds: 2,
      healthFailureThreshold: 3,
      healthSuccessThreshold: 2,
      metricsPath: null,
      metricsPort: null,
    });
  });
});
