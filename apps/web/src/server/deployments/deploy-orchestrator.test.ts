// The orchestrator's per-app loop on a real SQLite database. No agent is connected, so each
// deployment fails at once ("not connected"): what matters here is that every queued deployment is
// picked up, however a request and the loop's end interleave.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appInclude, toAppRecord } from "../apps/app-record";
import { createSecretBox } from "../config/secret-box";
import { createDb, type Db } from "../db/client";
import { applyMigrations } from "../db/migrations/apply-migrations";
import { AgentRegistry } from "../hosts/agent-registry";
import { createMetrics } from "../metrics/registry";
import type { PortalEvents } from "../services";
import { DeployOrchestrator, type OrchestratorHooks } from "./deploy-orchestrator";
import { NginxSync } from "./nginx-sync";

const dir = mkdtempSync(join(tmpdir(), "wh-orchestrator-"));
const file = join(dir, "portal.sqlite");
let db: Db;

/** Log lines at error level: a test that logs one fails. */
const errorLines: string[] = [];
const logger = pino(
  { level: "warn" },
  {
    write(line: string) {
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
    },
  },
);

beforeAll(async () => {
  await applyMigrations({ kind: "sqlite", file, url: `file:${file}` });
  db = createDb({ kind: "sqlite", file, url: `file:${file}` });
});

afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

function orchestrator(hooks: OrchestratorHooks): DeployOrchestrator {
  const metrics = createMetrics({
    countActiveSessions: async () => 0,
    countConnectedAgents: () => 0,
    countInstancesByStatus: async () => ({}),
  });
  const agents = new AgentRegistry(metrics);
  return new DeployOrchestrator({
    db,
    agents,
    logger,
    secrets: createSecretBox(randomBytes(32)),
    events: new EventEmitter<PortalEvents>(),
    metrics,
    nginx: new NginxSync(db, agents),
    hooks,
  });
}

async function newApp() {
  const suffix = randomBytes(4).toString("hex");
  const team = await db.team.create({ data: { name: `Team ${suffix}`, slug: `team-${suffix}` } });
  const host = await db.host.create({ data: { teamId: team.id, name: `host-${suffix}` } });
  const row = await db.app.create({
    data: {
      teamId: team.id,
      name: `app-${suffix}`,
      environment: "staging",
      image: "example/app:1",
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 5,
      replicas: 1,
      network: "published",
      restartPolicy: "unless-stopped",
      hosts: { create: [{ hostId: host.id, position: 0 }] },
    },
    include: appInclude,
  });
  return toAppRecord(row);
}

const deploy = { kind: "deploy" as const, imageRef: "example/app:1", reason: null, actor: null };

describe("DeployOrchestrator's queue", () => {
  it("runs a deployment requested after the loop's last look but before the loop ended", async () => {
    const app = await newApp();
    // Hold the loop the first time it finds the queue empty: exactly where a kick used to be lost.
    let release = () => {};
    let reachedEmptyLook = () => {};
    const atEmptyLook = new Promise<void>((resolve) => {
      reachedEmptyLook = resolve;
    });
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let looks = 0;
    const deployments = orchestrator({
      afterEmptyLook: async (appId) => {
        if (appId !== app.id) return;
        looks += 1;
        if (looks > 1) return;
        reachedEmptyLook();
        await held;
      },
    });

    const first = await deployments.request(app, deploy);
    await atEmptyLook;
    // The loop has looked, found nothing queued, and is about to end: a deploy arrives now.
    const second = await deployments.request(app, deploy);
    expect((await db.deployment.findUniqueOrThrow({ where: { id: second.id } })).status).toBe("Queued");
    release();
    await deployments.idle();

    const statuses = await db.deployment.findMany({
      where: { id: { in: [first.id, second.id] } },
      select: { id: true, status: true, failureReason: true },
    });
    for (const deployment of statuses) {
      expect(deployment.status).toBe("Failed");
      expect(deployment.failureReason).toMatch(/^The agent on host-[0-9a-f]+ is not connected; nothing was changed\.$/);
    }
    expect(looks).toBe(2);
    expect(errorLines).toEqual([]);
  });

  it("starts a new loop for a deployment requested after the loop ended", async () => {
    const app = await newApp();
    const deployments = orchestrator({});
    const first = await deployments.request(app, deploy);
    await deployments.idle();
    const second = await deployments.request(app, deploy);
    await deployments.idle();
    const statuses = await db.deployment.findMany({ where: { id: { in: [first.id, second.id] } } });
    expect(statuses).toHaveLength(2);
    for (const deployment of statuses) expect(deployment.status).toBe("Failed");
    expect(errorLines).toEqual([]);
  });
});
