// The agent-Lost sweep on real rows (a scratch SQLite database) with a clock of its own: no agent
// can connect in a unit test, so every enrolled host here is silent; the integration test kills a
// real agent. What a team sees: one SEV3 incident per lost host, none while the portal is young.
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client";
import type { PortalEvents } from "../services";
import {
  registryWithoutAgents,
  type ScratchDatabase,
  scratchDatabase,
  scratchNotifier,
  teamWithApp,
} from "../testing/scratch-portal";
import { AgentLostSweep } from "./agent-lost-sweep";
import { SignalIntake } from "./signal-intake";

let scratch: ScratchDatabase;
let db: Db;
const logged: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(line) });

beforeAll(async () => {
  scratch = await scratchDatabase("agent-lost");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
  expect(logged).toEqual([]);
});

describe("AgentLostSweep", () => {
  it("reports a silent host once, as agent.lost SEV3, and never before the start-up grace has passed", async () => {
    const { team, host } = await teamWithApp(db);
    const started = Date.now();
    await db.host.update({ where: { id: host.id }, data: { lastSeenAt: new Date(started - 60_000) } });
    // Never connected (no lastSeenAt): Pending, not Lost.
    await db.host.create({ data: { teamId: team.id, name: "never-seen" } });
    // Revoked: not coming back, not Lost.
    await db.host.create({
      data: { teamId: team.id, name: "gone", lastSeenAt: new Date(started - 60_000), revokedAt: new Date() },
    });
    const { agents, metrics } = registryWithoutAgents();
    const events = new EventEmitter<PortalEvents>();
    const signals = new SignalIntake({ db, logger, metrics, events, notifier: scratchNotifier(db, events, logger) });
    let now = started;
    const sweep = new AgentLostSweep({ db, agents, signals, logger, startupGraceMs: 30_000, now: () => now });

    expect(await sweep.sweep()).toBe(0);
    now = started + 29_000;
    expect(await sweep.sweep()).toBe(0);
    expect(await db.incident.count({ where: { teamId: team.id } })).toBe(0);

    now = started + 31_000;
    expect(await sweep.sweep()).toBe(1);
    const incidents = await db.incident.findMany({ where: { teamId: team.id } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ severity: "SEV3", hostId: host.id, appId: null, status: "Investigating" });
    expect(incidents[0]?.title).toMatch(new RegExp(`^The agent of ${host.name} is lost: no heartbeat for 91 s`));

    // Once per loss: later sweeps of the same silence add nothing.
    now = started + 40_000;
    expect(await sweep.sweep()).toBe(0);
    expect(await db.signal.count({ where: { teamId: team.id } })).toBe(1);
  });
});
