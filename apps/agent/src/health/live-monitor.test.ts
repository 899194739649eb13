// The live monitor's counting and timing with fake timers: the probe and the restart are stand-ins
// (the real probe is tested against HTTP servers in apps/instance-health.test.ts, the whole loop on
// the engine and nginx in tests/integration/live-health.int.test.ts).
import type { InstanceHealthEvent, WatchedInstance } from "@wheelhouse/shared";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProbeResult } from "../apps/instance-health";
import { LiveMonitor, probeReason } from "./live-monitor";
import { ProbeCounter } from "./probe-counter";

const INSTANCE: WatchedInstance = {
  instanceId: "inst_1",
  containerId: "c".repeat(64),
  containerName: "wh-api-r1-inst_1",
  probeHostPort: 32_768,
  readinessPath: "/ready",
  livenessPath: "/live",
  intervalMs: 10_000,
  timeoutMs: 2_000,
  failureThreshold: 3,
  successThreshold: 2,
  healthy: true,
};

const NOT_FOUND: ProbeResult = { healthy: false, failure: "HTTP 404", status: 404 };

describe("ProbeCounter", () => {
  it("turns unhealthy only after the failure threshold in a row, healthy after the success threshold", () => {
    const counter = new ProbeCounter(true, 3, 2);
    expect([false, false, true, false, false].map((passed) => counter.record(passed))).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(counter.record(false)).toBe("became-unhealthy");
    expect(counter.healthy).toBe(false);
    expect(counter.record(true)).toBeNull();
    expect(counter.record(false)).toBeNull();
    expect(counter.record(true)).toBeNull();
    expect(counter.record(true)).toBe("became-healthy");
  });
});

describe("probeReason", () => {
  it("names the request and what came back", () => {
    expect(probeReason(32_768, "/ready", NOT_FOUND)).toBe("GET /ready on 127.0.0.1:32768 answered 404");
    expect(probeReason(32_768, "/ready", { healthy: false, failure: "no answer within 2 s" })).toBe(
      "GET /ready on 127.0.0.1:32768: no answer within 2 s",
    );
  });
});

describe("LiveMonitor", () => {
  let ready: ProbeResult;
  let live: ProbeResult;
  let reports: InstanceHealthEvent[];
  let restarts: string[];
  let probes: { port: number; path: string; timeoutMs: number }[];
  let monitor: LiveMonitor;

  beforeEach(() => {
    vi.useFakeTimers();
    ready = { healthy: true };
    live = { healthy: true };
    reports = [];
    restarts = [];
    probes = [];
    monitor = new LiveMonitor({
      probe: async (port, path, timeoutMs) => {
        probes.push({ port, path, timeoutMs });
        return path === "/live" ? live : ready;
      },
      restart: async (containerId) => {
        restarts.push(containerId);
      },
      report: (event) => reports.push(event),
      logger: pino({ level: "silent" }),
    });
  });

  afterEach(() => {
    monitor.stopAll();
    vi.useRealTimers();
  });

  /** Lets `rounds` probe rounds run, one interval each. */
  const rounds = (count: number, intervalMs = INSTANCE.intervalMs) => vi.advanceTimersByTimeAsync(count * intervalMs);

  it("probes readiness and liveness at the interval with the timeout, and reports nothing while healthy", async () => {
    monitor.watch([INSTANCE]);
    await rounds(3);
    expect(probes).toHaveLength(6);
    expect(probes).toContainEqual({ port: 32_768, path: "/ready", timeoutMs: 2_000 });
    expect(probes).toContainEqual({ port: 32_768, path: "/live", timeoutMs: 2_000 });
    expect(reports).toEqual([]);
  });

  it("reports Unhealthy at the third failure in a row, and healthy again at the second success", async () => {
    monitor.watch([INSTANCE]);
    ready = NOT_FOUND;
    await rounds(2);
    expect(reports).toEqual([]);
    await rounds(1);
    expect(reports).toEqual([
      {
        instanceId: "inst_1",
        containerId: INSTANCE.containerId,
        probe: "readiness",
        healthy: false,
        reason: "GET /ready on 127.0.0.1:32768 answered 404",
        restarted: false,
        at: Date.now(),
      },
    ]);
    // Still failing: transitions only.
    await rounds(5);
    expect(reports).toHaveLength(1);
    ready = { healthy: true };
    await rounds(1);
    expect(reports).toHaveLength(1);
    await rounds(1);
    expect(reports.map((r) => [r.probe, r.healthy, r.reason])).toEqual([
      ["readiness", false, "GET /ready on 127.0.0.1:32768 answered 404"],
      ["readiness", true, null],
    ]);
  });

  it("restarts the container after the failure threshold of liveness, says so, and counts afresh", async () => {
    monitor.watch([INSTANCE]);
    live = { healthy: false, failure: "connection refused" };
    await rounds(2);
    expect(restarts).toEqual([]);
    await rounds(1);
    expect(restarts).toEqual([INSTANCE.containerId]);
    expect(reports).toEqual([
      expect.objectContaining({
        probe: "liveness",
        restarted: true,
        reason:
          "GET /live on 127.0.0.1:32768: connection refused (3 times in a row, every 10 s); the container was restarted",
      }),
    ]);
    await rounds(2);
    expect(restarts).toHaveLength(1);
    await rounds(1);
    expect(restarts).toHaveLength(2);
  });

  it("keeps counts across an unchanged list, forgets instances left out, and starts afresh on new settings", async () => {
    monitor.watch([INSTANCE]);
    ready = NOT_FOUND;
    await rounds(2);
    expect(monitor.watch([INSTANCE])).toBe(1);
    await rounds(1);
    expect(reports).toHaveLength(1);

    expect(monitor.watch([])).toBe(0);
    const before = probes.length;
    await rounds(3);
    expect(probes).toHaveLength(before);

    monitor.watch([{ ...INSTANCE, intervalMs: 1_000, failureThreshold: 1 }]);
    await rounds(1, 1_000);
    expect(reports).toHaveLength(2);
  });

  it("tells the portal again when its record differs from the agent's verdict (a report lost in a reconnect)", async () => {
    monitor.watch([INSTANCE]);
    ready = NOT_FOUND;
    await rounds(3);
    expect(reports).toHaveLength(1);
    // The portal never got it and still lists the instance as healthy.
    monitor.watch([{ ...INSTANCE, healthy: true }]);
    await rounds(1);
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ probe: "readiness", healthy: false });
  });

  it("starts from the portal's record after an agent restart: an unhealthy instance needs the successes", async () => {
    monitor.watch([{ ...INSTANCE, healthy: false, livenessPath: null }]);
    await rounds(1);
    expect(reports).toEqual([]);
    await rounds(1);
    expect(reports).toEqual([expect.objectContaining({ probe: "readiness", healthy: true })]);
  });

  it("never starts a round while the last one still runs", async () => {
    let running = 0;
    let overlapped = false;
    monitor = new LiveMonitor({
      probe: async () => {
        running += 1;
        overlapped ||= running > 2;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        running -= 1;
        return { healthy: true };
      },
      restart: async () => undefined,
      report: (event) => reports.push(event),
      logger: pino({ level: "silent" }),
    });
    monitor.watch([{ ...INSTANCE, intervalMs: 1_000, timeoutMs: 1_000 }]);
    await rounds(10, 1_000);
    expect(overlapped).toBe(false);
  });
});
