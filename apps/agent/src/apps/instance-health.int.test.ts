// Waiting for instances to become healthy against the real Docker engine: a serving app, one that
// crashes at start, one that never answers /health, and one that does not listen at all.
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dockerAvailable,
  ensureTestAppImage,
  removeTestContainers,
  TEST_APP_CRASH_CODE,
  TEST_APP_CRASH_LINE,
  testAppImage,
} from "../../../../tests/support/docker.ts";
import { resolveImage } from "./image-resolve";
import { awaitHealthy } from "./instance-health";
import { testSettings, testSpec } from "./instance-spec.fixture";
import { type StartedInstance, startInstance } from "./instances";

const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const settings = testSettings({ first: 24_000, last: 24_999 });

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all([ensureTestAppImage("v1"), ensureTestAppImage("crash"), ensureTestAppImage("unhealthy")]);
});

afterAll(async () => {
  await removeTestContainers();
});

async function start(variant: "v1" | "crash" | "unhealthy", restartPolicy: "no" | "on-failure" = "no") {
  const { imageId } = await resolveImage(docker, { ref: testAppImage(variant), pullPolicy: "never" });
  return startInstance(docker, testSpec(imageId, { restartPolicy }), settings);
}

const check = (instance: StartedInstance, timeoutMs = 10_000, path = "/health") => ({
  containerId: instance.containerId,
  hostPort: instance.hostPort,
  path,
  timeoutMs,
  intervalMs: 100,
});

describe("awaitHealthy", () => {
  it("is healthy once /health answers 200", async () => {
    const outcome = await awaitHealthy(docker, check(await start("v1")));
    expect(outcome).toMatchObject({ healthy: true });
    if (outcome.healthy) {
      expect(outcome.probes).toBeGreaterThanOrEqual(1);
      expect(outcome.afterMs).toBeLessThan(10_000);
    }
  });

  it("reports a crash at once, with the exit code and the output", async () => {
    const startedAt = Date.now();
    const outcome = await awaitHealthy(docker, check(await start("crash"), 30_000));
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(outcome).toEqual({
      healthy: false,
      reason: expect.stringMatching(
        new RegExp(`^the container exited with code ${TEST_APP_CRASH_CODE} after \\d+(\\.\\d{1,2})? s$`),
      ),
      // stdout and stderr are separate pipes: lines written in the same instant may swap places.
      logTail: expect.arrayContaining(["starting version crash", TEST_APP_CRASH_LINE]),
    });
    if (!outcome.healthy) expect(outcome.logTail).toHaveLength(2);
  });

  it("counts a crash its restart policy is retrying as unhealthy", async () => {
    const outcome = await awaitHealthy(docker, check(await start("crash", "on-failure"), 30_000));
    expect(outcome.healthy).toBe(false);
    if (!outcome.healthy) {
      expect(outcome.reason).toMatch(new RegExp(`^the container exited with code ${TEST_APP_CRASH_CODE}`));
      expect(outcome.logTail).toContain(TEST_APP_CRASH_LINE);
    }
  });

  it("times out naming the last answer when /health is missing", async () => {
    const instance = await start("unhealthy");
    const outcome = await awaitHealthy(docker, check(instance, 1_500));
    expect(outcome).toEqual({
      healthy: false,
      reason: `no healthy answer from /health on port ${instance.hostPort} within 1.5 s (last: HTTP 404)`,
      logTail: expect.arrayContaining(["starting version unhealthy on port 8080"]),
    });
  });

  it("times out with connection refused when nothing listens on the port", async () => {
    const instance = await start("v1");
    // The container runs, but the probe goes to a port nobody listens on.
    const outcome = await awaitHealthy(docker, { ...check(instance, 500), hostPort: 1 });
    expect(outcome).toMatchObject({
      healthy: false,
      reason: "no healthy answer from /health on port 1 within 0.5 s (last: connection refused)",
    });
  });

  it("says when the container is gone", async () => {
    const outcome = await awaitHealthy(docker, {
      ...check({ containerId: "e".repeat(64), hostPort: 1, probeHostPort: null, name: "gone" }, 500),
    });
    expect(outcome).toEqual({ healthy: false, reason: "the container no longer exists", logTail: [] });
  });
});
