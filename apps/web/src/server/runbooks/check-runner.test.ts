// The portal's side of a runbook check on a real (scratch SQLite) database: placeholders filled from
// the incident's app, the host picked, the app's database URL taken from its sealed secrets and sent
// to the agent but never returned, the portal's own checks, and the sentence when no agent is there.
// The agent itself cannot run in a unit test: a registry subclass stands in for its transport and
// records what the portal sent (the agent's side is tested in apps/agent/src/checks/*.int.test.ts).
import {
  type CheckResult,
  type CheckStep,
  type CommandParams,
  type CommandResult,
  type CommandType,
  repositoryOf,
} from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { AgentRegistry, type ConnectedAgent } from "../hosts/agent-registry";
import { InventoryStore } from "../hosts/docker-inventory";
import { registryWithoutAgents, type ScratchDatabase, scratchDatabase, teamWithApp } from "../testing/scratch-portal";
import { runCheckStep } from "./check-runner";
import { STUCK_AFTER_MS } from "./portal-checks";

const CONTAINER = "a".repeat(64);
const PASSWORD = "pw-that-must-not-leak";
const secrets = createSecretBox(Buffer.alloc(32, 3));

/** Answers check.run with a fixed pass and remembers the parameters it was sent. */
class RecordingAgents extends AgentRegistry {
  readonly sent: CommandParams<"check.run">[] = [];
  constructor(private readonly connected: Set<string>) {
    super(registryWithoutAgents().metrics);
  }
  override get(hostId: string): ConnectedAgent | undefined {
    return this.connected.has(hostId)
      ? { hostId, teamId: "t", connectionId: "c", connectedAt: 0, lastSeen: 0 }
      : undefined;
  }
  override async command<T extends CommandType>(
    _hostId: string,
    type: T,
    params: CommandParams<T>,
  ): Promise<CommandResult<T>> {
    if (type !== "check.run") throw new Error(`unexpected command ${type}`);
    this.sent.push(params as CommandParams<"check.run">);
    const answer: CheckResult = { outcome: "pass", finding: "fine", output: "", facts: {}, durationMs: 7 };
    // T is "check.run" here (checked above); the compiler cannot narrow a type parameter by a value.
    return answer as CommandResult<T>;
  }
}

let scratch: ScratchDatabase;
let db: Db;
let fixture: Awaited<ReturnType<typeof teamWithApp>>;
let otherHostId: string;

beforeAll(async () => {
  scratch = await scratchDatabase("check-runner");
  db = scratch.db;
  fixture = await teamWithApp(db, { domains: ["shop.example.com"] });
  const other = await db.host.create({ data: { teamId: fixture.team.id, name: "web-2" } });
  otherHostId = other.id;
  await db.app.update({
    where: { id: fixture.app.id },
    data: {
      probePort: 9090,
      livenessPath: "/live",
      env: JSON.stringify({ PLAIN_URL: "mysql://app@db:3306/shop" }),
      secrets: JSON.stringify({ DATABASE_URL: secrets.seal(`postgres://shop:${PASSWORD}@db:5432/shop`) }),
    },
  });
  const release = await db.release.create({
    data: {
      appId: fixture.app.id,
      number: 1,
      imageRef: "example/app:1",
      imageDigest: `sha256:${"b".repeat(64)}`,
      config: "{}",
    },
  });
  const deployment = await db.deployment.create({
    data: {
      appId: fixture.app.id,
      releaseId: release.id,
      kind: "deploy",
      status: "Live",
      imageRef: "example/app:1",
      replicas: 1,
    },
  });
  // One Healthy instance on the second host: the host a check picks when the incident names none.
  await db.containerInstance.create({
    data: {
      appId: fixture.app.id,
      deploymentId: deployment.id,
      releaseId: release.id,
      hostId: otherHostId,
      containerId: CONTAINER,
      hostPort: 24_001,
      probeHostPort: 24_002,
      status: "Healthy",
    },
  });
});

afterAll(async () => {
  await scratch?.dispose();
});

function step(check: CheckStep["check"], params: Record<string, unknown>): CheckStep {
  return { id: "s1", title: "a step", check, params, expect: "it passes", onFail: "look closer" };
}

function services(connected: string[] = []) {
  return { db, secrets, agents: new RecordingAgents(new Set(connected)), inventory: new InventoryStore() };
}

const request = (check: CheckStep, hostId: string | null = null) => ({
  teamId: fixture.team.id,
  incidentId: "incident-1",
  appId: fixture.app.id,
  hostId,
  step: check,
});

describe("runCheckStep", () => {
  it("fills placeholders, picks the host with the healthy instance and sends the app as it is there", async () => {
    const portal = services([otherHostId]);
    const answer = await runCheckStep(
      portal,
      request(step("http.probe", { url: "http://{app.domain}:{app.hostPort}{app.livenessPath}" })),
    );
    expect(answer).toEqual({
      result: { outcome: "pass", finding: "fine", output: "", facts: {}, durationMs: 7 },
      hostId: otherHostId,
    });
    expect(portal.agents.sent).toEqual([
      {
        check: {
          kind: "http.probe",
          params: { url: "http://shop.example.com:24001/live", expectStatus: "2xx-3xx", timeoutMs: 5_000 },
        },
        app: {
          appId: fixture.app.id,
          appName: fixture.app.name,
          containerPort: 8080,
          readinessPath: "/health",
          livenessPath: "/live",
          metricsPath: null,
          instances: [{ containerId: CONTAINER, hostPort: 24_001, probeHostPort: 24_002, metricsHostPort: null }],
        },
      },
    ]);
  });

  it("sends the URL of a sealed secret to the agent and returns nothing of it", async () => {
    const portal = services([otherHostId]);
    const answer = await runCheckStep(
      portal,
      request(step("database.reachable", { engine: "postgresql", envVar: "DATABASE_URL" })),
    );
    expect(portal.agents.sent[0]?.check.params).toMatchObject({ url: `postgres://shop:${PASSWORD}@db:5432/shop` });
    expect(JSON.stringify(answer)).not.toContain(PASSWORD);
  });

  it("names a variable the app does not have", async () => {
    const answer = await runCheckStep(
      services([otherHostId]),
      request(step("database.reachable", { engine: "mysql", envVar: "NOPE" })),
    );
    expect(answer.result).toMatchObject({
      outcome: "error",
      finding: `${fixture.app.name} has no variable or secret named NOPE.`,
    });
  });

  it("answers error naming the host whose agent is not connected", async () => {
    const answer = await runCheckStep(services(), request(step("disk.space", {}), fixture.host.id));
    expect(answer).toEqual({
      result: expect.objectContaining({
        outcome: "error",
        finding: `the agent of ${fixture.host.name} is not connected`,
      }),
      hostId: fixture.host.id,
    });
  });

  it("answers error for a placeholder the app has no value for, and for parameters out of bounds", async () => {
    await db.app.update({ where: { id: fixture.app.id }, data: { livenessPath: null } });
    const missing = await runCheckStep(
      services([otherHostId]),
      request(step("http.probe", { url: "http://x{app.livenessPath}" })),
    );
    expect(missing.result.finding).toMatch(
      /^The step's parameters cannot be filled in: \{app\.livenessPath\} has no value here/,
    );
    await db.app.update({ where: { id: fixture.app.id }, data: { livenessPath: "/live" } });
    const bad = await runCheckStep(services([otherHostId]), request(step("port.owner", { port: 70_000 })));
    expect(bad.result.outcome).toBe("error");
    expect(bad.result.finding).toMatch(/^The step's parameters are refused: port: /);
  });

  it("agent.reachable fails, rather than errs, for a host whose agent is away", async () => {
    const answer = await runCheckStep(services(), request(step("agent.reachable", {}), fixture.host.id));
    expect(answer.result.outcome).toBe("fail");
    expect(answer.result.finding).toBe(
      `the agent of ${fixture.host.name} is not connected (never seen): check that wheelhouse-agent runs there and reaches the portal`,
    );
  });

  it("image.status fails with both digests when a pushed image is not what runs", async () => {
    const current = await runCheckStep(services(), request(step("image.status", {})));
    expect(current.result.outcome).toBe("pass");
    const repository = repositoryOf("example/app:1");
    if (!repository) throw new Error("example/app:1 names a repository");
    await db.registryPush.create({
      data: { teamId: fixture.team.id, eventId: "e1", repository, tag: "1", digest: `sha256:${"c".repeat(64)}` },
    });
    const behind = await runCheckStep(services(), request(step("image.status", {})));
    expect(behind.result.outcome).toBe("fail");
    expect(behind.result.finding).toMatch(
      /^pushed but not deployed: The last push for .*example\/app:1 is sha256:c{12}.* but the live release #1 runs sha256:b{12}/,
    );
  });

  it("deployments.recent passes a Live app, and fails on a failed or a stuck deployment with its reason", async () => {
    const ok = await runCheckStep(services(), request(step("deployments.recent", {})));
    expect(ok.result.outcome).toBe("pass");
    expect(ok.result.finding).toMatch(/^last change: deploy of release #1 by Wheelhouse: Live /);

    const failed = await db.deployment.create({
      data: {
        appId: fixture.app.id,
        kind: "deploy",
        status: "Failed",
        imageRef: "example/app:2",
        replicas: 1,
        failureReason: "pulling example/app:2 failed: manifest unknown",
      },
    });
    const fails = await runCheckStep(services(), request(step("deployments.recent", { count: 3 })));
    expect(fails.result).toMatchObject({
      outcome: "fail",
      finding: `the last deploy of ${fixture.app.name} failed: pulling example/app:2 failed: manifest unknown`,
    });

    const since = new Date(Date.now() - STUCK_AFTER_MS - 60_000);
    await db.deployment.create({
      data: {
        appId: fixture.app.id,
        kind: "deploy",
        status: "Pulling",
        imageRef: "example/app:3",
        replicas: 1,
        createdAt: since,
        transitions: { create: { status: "Pulling", at: since } },
      },
    });
    const stuck = await runCheckStep(services(), request(step("deployments.recent", {})));
    expect(stuck.result.outcome).toBe("fail");
    expect(stuck.result.finding).toMatch(
      new RegExp(`^a deploy of ${fixture.app.name} is stuck: Pulling since 16 min ago`),
    );
    expect(stuck.hostId).toBeNull();
    await db.deployment.delete({ where: { id: failed.id } });
  });
});
