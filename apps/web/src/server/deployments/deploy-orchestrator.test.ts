// The orchestrator's per-app loop on a real SQLite database. No agent is connected, so each
// deployment fails at once ("not connected"): what matters here is that every queued deployment is
// picked up, however a request and the loop's end interleave.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { SignalIntake } from "../incidents/signal-intake";
import type { PortalEvents } from "../services";
import {
  registryWithoutAgents,
  type ScratchDatabase,
  scratchDatabase,
  scratchNotifier,
  teamWithApp,
} from "../testing/scratch-portal";
import { DeployOrchestrator, type OrchestratorHooks } from "./deploy-orchestrator";
import { NginxSync } from "./nginx-sync";

let scratch: ScratchDatabase;
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
  scratch = await scratchDatabase("orchestrator");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
});

function orchestrator(hooks: OrchestratorHooks): DeployOrchestrator {
  const { metrics, agents } = registryWithoutAgents();
  const secrets = createSecretBox(randomBytes(32));
  const events = new EventEmitter<PortalEvents>();
  const notifier = scratchNotifier(db, events, logger);
  return new DeployOrchestrator({
    db,
    agents,
    logger,
    secrets,
    events,
    metrics,
    nginx: new NginxSync(db, agents, secrets),
    // Each deployment here fails, and raises its signal into the same scratch database.
    signals: new SignalIntake({ db, logger, metrics, events, notifier }),
    notifier,
    hooks,
  });
}

async function newApp() {
  return (await teamWithApp(db)).app;
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
