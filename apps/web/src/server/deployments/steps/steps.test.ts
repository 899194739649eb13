// Two steps of a deployment alone, on a real SQLite database, with a real AgentRegistry that has no
// agent connected (no agent can run in a unit test; the integration suite runs them with one). What
// a person would see: the deployment's status, its log, its instances, and that the release which
// was live stays live when a step fails.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../../config/secret-box";
import type { Db } from "../../db/client";
import { SignalIntake } from "../../incidents/signal-intake";
import { snapshotConfig } from "../../releases/release-config";
import type { PortalEvents } from "../../services";
import {
  registryWithoutAgents,
  type ScratchDatabase,
  scratchDatabase,
  scratchNotifier,
  teamWithApp,
} from "../../testing/scratch-portal";
import { NginxSync } from "../nginx-sync";
import { awaitHealthy } from "./await-healthy";
import { DeploymentFailed, openRun, type StepServices } from "./deployment-run";
import { switchTraffic } from "./switch-traffic";

let scratch: ScratchDatabase;
let db: Db;
let services: StepServices;
const changed: string[] = [];

/** Log lines at warn level and above: these steps log nothing on their own. */
const logged: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(line) });

beforeAll(async () => {
  scratch = await scratchDatabase("deploy-steps");
  db = scratch.db;
  const { agents, metrics } = registryWithoutAgents();
  const secrets = createSecretBox(randomBytes(32));
  const events = new EventEmitter<PortalEvents>();
  events.on("deploymentChanged", (_teamId, deploymentId) => changed.push(deploymentId));
  const notifier = scratchNotifier(db, events, logger);
  services = {
    db,
    agents,
    logger,
    secrets,
    events,
    nginx: new NginxSync(db, agents, secrets),
    signals: new SignalIntake({ db, logger, metrics, events, notifier }),
    notifier,
  };
});

afterAll(async () => {
  await scratch?.dispose();
});

/** A team with one host and an app of two replicas on it; `domains` makes the switch go through nginx. */
function newApp(domains: string[] = []) {
  return teamWithApp(db, { replicas: 2, domains });
}

/** A deployment at `status`, with one release, as the steps before would have left it. */
async function newDeployment(appId: string, status: string) {
  const release = await db.release.create({
    data: {
      appId,
      number: 1 + (await db.release.count({ where: { appId } })),
      imageRef: "example/app:1",
      imageDigest: `sha256:${randomBytes(32).toString("hex")}`,
      config: "{}",
    },
  });
  return db.deployment.create({
    data: { appId, releaseId: release.id, kind: "deploy", status, imageRef: "example/app:1", replicas: 2 },
  });
}

/** A Live deployment with one Healthy instance: what the switch step replaces. */
async function liveWithInstance(appId: string, hostId: string) {
  const live = await newDeployment(appId, "Live");
  const oldInstance = await db.containerInstance.create({
    data: { appId, deploymentId: live.id, releaseId: live.releaseId ?? "", hostId, status: "Healthy" },
  });
  return { live, oldInstance };
}

async function logOf(deploymentId: string): Promise<string[]> {
  const lines = await db.deploymentLogLine.findMany({ where: { deploymentId }, orderBy: { id: "asc" } });
  return lines.map((line) => line.text);
}

describe("the await-healthy step", () => {
  it("fails the deployment when the agent cannot finish a health check, and says which instance", async () => {
    const { team, host, app } = await newApp();
    const deployment = await newDeployment(app.id, "Starting");
    const started = [];
    for (const [index, name] of ["app-a", "app-b"].entries()) {
      const row = await db.containerInstance.create({
        data: {
          appId: app.id,
          deploymentId: deployment.id,
          releaseId: deployment.releaseId ?? "",
          hostId: host.id,
          status: "Starting",
          containerId: `container-${index}`,
          containerName: name,
          hostPort: 20_000 + index,
        },
      });
      started.push({
        id: row.id,
        hostId: host.id,
        containerId: `container-${index}`,
        name,
        hostPort: 20_000 + index,
        probeHostPort: null,
      });
    }
    const run = await openRun(services, deployment.id, team.id);

    const outcome = awaitHealthy(run, started, { config: snapshotConfig(app) });

    await expect(outcome).rejects.toBeInstanceOf(DeploymentFailed);
    await expect(outcome).rejects.toThrow(
      `app-a is not healthy: the agent on ${host.name} did not finish the health check: That host's agent is not connected.`,
    );
    const after = await db.deployment.findUniqueOrThrow({
      where: { id: deployment.id },
      include: { transitions: true },
    });
    expect(after.status).toBe("HealthChecking");
    expect(after.transitions.map((t) => t.status)).toContain("HealthChecking");
    // Neither instance counts as healthy: nginx would never be pointed at them.
    const instances = await db.containerInstance.findMany({ where: { deploymentId: deployment.id } });
    for (const instance of instances) {
      expect(instance.status).toBe("Failed");
      expect(instance.failureReason).toMatch(/did not finish the health check/);
    }
    const log = await logOf(deployment.id);
    expect(log[0]).toBe("Waiting for /health to answer (up to 5 s)");
    expect(log[1]).toMatch(new RegExp(`^app-a on ${host.name}: the agent on ${host.name} did not finish`));
    expect(log.some((line) => / healthy after /.test(line))).toBe(false);
    expect(changed).toContain(deployment.id);
    expect(logged).toEqual([]);
  });
});

describe("the switch step", () => {
  it("leaves the live release live when nginx cannot take the new instances", async () => {
    const suffix = randomBytes(4).toString("hex");
    const { team, host, app } = await newApp([`app-${suffix}.example.test`]);
    const { live, oldInstance } = await liveWithInstance(app.id, host.id);
    const next = await newDeployment(app.id, "HealthChecking");
    const run = await openRun(services, next.id, team.id);

    const outcome = switchTraffic(run);

    await expect(outcome).rejects.toBeInstanceOf(DeploymentFailed);
    await expect(outcome).rejects.toThrow(/^nginx did not take the new instances: That host's agent is not connected/);
    expect((await db.deployment.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("Live");
    expect((await db.deployment.findUniqueOrThrow({ where: { id: next.id } })).status).toBe("HealthChecking");
    expect((await db.containerInstance.findUniqueOrThrow({ where: { id: oldInstance.id } })).status).toBe("Healthy");
    expect(await logOf(next.id)).toEqual([]);
    expect(logged).toEqual([]);
  });

  it("makes the new deployment live and supersedes the old one, returning the instances to drain", async () => {
    const { team, host, app } = await newApp();
    const { live, oldInstance } = await liveWithInstance(app.id, host.id);
    const next = await newDeployment(app.id, "HealthChecking");
    const run = await openRun(services, next.id, team.id);

    const replaced = await switchTraffic(run);

    expect(replaced.map((instance) => instance.id)).toEqual([oldInstance.id]);
    expect((await db.deployment.findUniqueOrThrow({ where: { id: live.id } })).status).toBe("Superseded");
    const after = await db.deployment.findUniqueOrThrow({ where: { id: next.id } });
    expect(after.status).toBe("Live");
    expect(after.finishedAt).not.toBeNull();
    expect(logged).toEqual([]);
  });
});
