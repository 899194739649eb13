// The portal's side of live health on a real SQLite database: what a report changes (scoped to the
// reporting host), the signal it raises, and the watch list each agent is sent. nginx and the signal
// intake are stand-ins that record their calls: no agent can run in a unit test, and the intake's
// rules are engineer C's (the whole loop runs for real in tests/integration/live-health.int.test.ts).
import type { RaisedSignal } from "@wheelhouse/shared";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppRecord } from "../apps/app-record";
import type { Db } from "../db/client";
import { snapshotConfig } from "../releases/release-config";
import { type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { applyHealthReport, type HealthReportServices } from "./health-report";
import { watchList } from "./health-watch";

let scratch: ScratchDatabase;
let db: Db;
let applied: string[];
let signals: RaisedSignal[];
let emitted: unknown[][];
let services: HealthReportServices;

beforeAll(async () => {
  scratch = await scratchDatabase("live-health");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
});

beforeEach(() => {
  applied = [];
  signals = [];
  emitted = [];
  services = {
    db,
    nginx: {
      apply: async (hostId) => {
        applied.push(hostId);
        return { reloaded: true, sites: 1 };
      },
    },
    events: {
      emit: (...args: unknown[]) => {
        emitted.push(args);
        return true;
      },
    },
    signals: {
      raise: async (signal) => {
        signals.push(signal);
        return { signalId: "s", outcome: "ignored" as const, incidentId: null };
      },
    },
    logger: pino({ level: "silent" }),
  };
});

const containerId = (n: number) => String(n).repeat(64).slice(0, 64);

/** An app Live with two Healthy instances on its host, released with seed 000's probe layout. */
async function liveApp() {
  const { team, host, app } = await teamWithApp(db, { replicas: 2, domains: [] });
  const probing: AppRecord = {
    ...app,
    healthPath: "/ready",
    probePort: 9090,
    livenessPath: "/live",
    healthIntervalSeconds: 5,
    healthProbeTimeoutSeconds: 2,
    healthFailureThreshold: 4,
    healthSuccessThreshold: 1,
  };
  const release = await db.release.create({
    data: {
      appId: app.id,
      number: 1,
      imageRef: app.image,
      imageDigest: `sha256:${"a".repeat(64)}`,
      config: JSON.stringify(snapshotConfig(probing)),
    },
  });
  const deployment = await db.deployment.create({
    data: { appId: app.id, releaseId: release.id, kind: "deploy", status: "Live", imageRef: app.image, replicas: 2 },
  });
  const instance = (n: number) =>
    db.containerInstance.create({
      data: {
        appId: app.id,
        deploymentId: deployment.id,
        releaseId: release.id,
        hostId: host.id,
        status: "Healthy",
        containerId: containerId(n),
        containerName: `wh-${app.name}-r1-${n}`,
        hostPort: 20_000 + n,
        probeHostPort: 21_000 + n,
      },
    });
  const first = await instance(1);
  const second = await instance(2);
  return { team, host, app, deployment, first, second };
}

const unhealthy = (instance: { id: string; containerId: string | null }) => ({
  instanceId: instance.id,
  containerId: instance.containerId ?? "",
  probe: "readiness" as const,
  healthy: false,
  reason: "GET /ready on 127.0.0.1:21001 answered 404",
  restarted: false,
  at: Date.now(),
});

describe("applyHealthReport", () => {
  it("marks the instance Unhealthy with the reason, re-applies the host's nginx, and raises a signal", async () => {
    const { team, host, app, deployment, first, second } = await liveApp();
    const outcome = await applyHealthReport(services, { hostId: host.id, teamId: team.id }, unhealthy(first));
    expect(outcome).toBe("unhealthy");
    const row = await db.containerInstance.findUniqueOrThrow({ where: { id: first.id } });
    expect(row).toMatchObject({
      status: "Unhealthy",
      probeHealthy: false,
      probeReason: "GET /ready on 127.0.0.1:21001 answered 404",
    });
    expect(row.probedAt).not.toBeNull();
    expect(applied).toEqual([host.id]);
    expect(emitted).toEqual([["deploymentChanged", team.id, deployment.id]]);
    expect(signals).toEqual([
      {
        kind: "instance.unhealthy",
        teamId: team.id,
        appId: app.id,
        hostId: host.id,
        reasonClass: "readiness",
        summary: `${app.name} on ${host.name}: an instance is not ready (GET /ready on 127.0.0.1:21001 answered 404)`,
        details: {
          environment: "staging",
          noHealthyInstanceLeft: false,
          instanceId: first.id,
          containerName: `wh-${app.name}-r1-1`,
          reason: "GET /ready on 127.0.0.1:21001 answered 404",
        },
      },
    ]);

    await applyHealthReport(services, { hostId: host.id, teamId: team.id }, unhealthy(second));
    expect(signals[1]?.details).toMatchObject({ noHealthyInstanceLeft: true });

    const back = await applyHealthReport(
      services,
      { hostId: host.id, teamId: team.id },
      { ...unhealthy(first), healthy: true, reason: null },
    );
    expect(back).toBe("healthy");
    expect(await db.containerInstance.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "Healthy",
      probeHealthy: true,
      probeReason: null,
    });
    expect(signals).toHaveLength(2);
  });

  it("ignores a report about another host's instance, or one whose container id does not match", async () => {
    const { first: victim } = await liveApp();
    const other = await liveApp();
    const fromOtherHost = await applyHealthReport(
      services,
      { hostId: other.host.id, teamId: other.team.id },
      unhealthy(victim),
    );
    const wrongContainer = await applyHealthReport(
      services,
      { hostId: victim.hostId, teamId: other.team.id },
      { ...unhealthy(victim), containerId: containerId(9) },
    );
    expect([fromOtherHost, wrongContainer]).toEqual(["ignored", "ignored"]);
    expect(await db.containerInstance.findUniqueOrThrow({ where: { id: victim.id } })).toMatchObject({
      status: "Healthy",
      probeHealthy: null,
    });
    expect(applied).toEqual([]);
    expect(signals).toEqual([]);
  });

  it("says a liveness restart on the instance without touching its readiness", async () => {
    const { team, host, first } = await liveApp();
    const outcome = await applyHealthReport(
      services,
      { hostId: host.id, teamId: team.id },
      {
        ...unhealthy(first),
        probe: "liveness",
        reason: "GET /live on 127.0.0.1:21001 answered 500 (4 times in a row, every 5 s); the container was restarted",
        restarted: true,
      },
    );
    expect(outcome).toBe("restarted");
    expect(await db.containerInstance.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      status: "Healthy",
      probeHealthy: null,
      failureReason: expect.stringContaining("the container was restarted"),
    });
    expect(signals).toEqual([]);
  });
});

describe("watchList", () => {
  it("lists the host's live instances with their release's probe settings and the recorded verdict", async () => {
    const { team, host, first, second } = await liveApp();
    await applyHealthReport(services, { hostId: host.id, teamId: team.id }, unhealthy(second));
    const list = await watchList(db, host.id);
    expect(list).toEqual([
      {
        instanceId: first.id,
        containerId: containerId(1),
        containerName: first.containerName,
        probeHostPort: 21_001,
        readinessPath: "/ready",
        livenessPath: "/live",
        intervalMs: 5_000,
        timeoutMs: 2_000,
        failureThreshold: 4,
        successThreshold: 1,
        healthy: true,
      },
      expect.objectContaining({ instanceId: second.id, probeHostPort: 21_002, healthy: false }),
    ]);
  });

  it("leaves out instances of a deployment that is not Live", async () => {
    const { host, deployment } = await liveApp();
    await db.deployment.update({ where: { id: deployment.id }, data: { status: "Superseded" } });
    expect(await watchList(db, host.id)).toEqual([]);
  });
});
