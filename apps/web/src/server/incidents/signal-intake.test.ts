// The signal intake and incident numbering on a real SQLite database (a scratch one per file): what
// a team would see is how many incidents open, their numbers, and each signal's outcome.
import { EventEmitter } from "node:events";
import type { RaisedSignal } from "@wheelhouse/shared";
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
import { withNextIncidentNumber } from "./incident-numbers";
import { saveTeamRules } from "./incident-rules-store";
import { SignalIntake } from "./signal-intake";

let scratch: ScratchDatabase;
let db: Db;
const logged: string[] = [];
const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(line) });

beforeAll(async () => {
  scratch = await scratchDatabase("signal-intake");
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.dispose();
  expect(logged).toEqual([]);
});

function intake() {
  const { metrics } = registryWithoutAgents();
  const events = new EventEmitter<PortalEvents>();
  const changed: string[] = [];
  events.on("incidentChanged", (_teamId, incidentId) => changed.push(incidentId));
  const opened: string[] = [];
  const signals = new SignalIntake({
    db,
    logger,
    metrics,
    events,
    notifier: scratchNotifier(db, events, logger),
    afterOpen: async (incidentId) => void opened.push(incidentId),
  });
  return { signals, metrics, changed, opened };
}

async function failedDeploy(
  environment: "staging" | "production" = "staging",
): Promise<RaisedSignal & { teamId: string }> {
  const { team, app } = await teamWithApp(db);
  return {
    teamId: team.id,
    kind: "deployment.failed",
    appId: app.id,
    hostId: null,
    reasonClass: "deployment",
    summary: `The deploy of ${app.name} failed: exited with code 3`,
    details: { environment },
  };
}

async function counter(metrics: ReturnType<typeof registryWithoutAgents>["metrics"], kind: string, outcome: string) {
  const values = (await metrics.signals.get()).values;
  return values.find((value) => value.labels.kind === kind && value.labels.outcome === outcome)?.value ?? 0;
}

describe("SignalIntake", () => {
  it("opens one incident for a flapping signal raised five times at once; the others join its timeline", async () => {
    const { signals, metrics, changed, opened } = intake();
    const signal = await failedDeploy("staging");
    const receipts = await Promise.all(Array.from({ length: 5 }, () => signals.raise(signal)));
    expect(receipts.map((receipt) => receipt.outcome).sort()).toEqual([
      "deduplicated",
      "deduplicated",
      "deduplicated",
      "deduplicated",
      "opened",
    ]);
    const incidents = await db.incident.findMany({ where: { teamId: signal.teamId } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ number: 1, severity: "SEV4", status: "Investigating", appId: signal.appId });
    expect(new Set(receipts.map((receipt) => receipt.incidentId))).toEqual(new Set([incidents[0]?.id]));
    const events = await db.incidentEvent.findMany({ where: { incidentId: incidents[0]?.id }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.kind)).toEqual(["opened", "signal", "signal", "signal", "signal", "signal"]);
    expect(await db.signal.count({ where: { teamId: signal.teamId } })).toBe(5);
    expect(await counter(metrics, "deployment.failed", "opened")).toBe(1);
    expect(await counter(metrics, "deployment.failed", "deduplicated")).toBe(4);
    // Runbooks are attached once, for the one incident that opened; every signal told the pages.
    expect(opened).toEqual([incidents[0]?.id]);
    expect(changed).toHaveLength(5);
  });

  it("opens SEV2 for the same signal in production (the default rules)", async () => {
    const { signals } = intake();
    const receipt = await signals.raise(await failedDeploy("production"));
    expect(receipt.outcome).toBe("opened");
    expect(await db.incident.findUniqueOrThrow({ where: { id: receipt.incidentId ?? "" } })).toMatchObject({
      severity: "SEV2",
    });
  });

  it("ignores a signal the team's rules ignore, and keeps it with its outcome", async () => {
    const { signals, metrics } = intake();
    const signal = await failedDeploy();
    await saveTeamRules(
      db,
      signal.teamId,
      [
        {
          kind: "deployment.failed",
          environment: "any",
          onlyWhenNoHealthyInstanceLeft: false,
          action: "ignore",
          severity: null,
        },
      ],
      { id: "admin" },
    );
    const receipt = await signals.raise(signal);
    expect(receipt).toMatchObject({ outcome: "ignored", incidentId: null });
    expect(await db.incident.count({ where: { teamId: signal.teamId } })).toBe(0);
    expect(await db.signal.findUniqueOrThrow({ where: { id: receipt.signalId } })).toMatchObject({
      outcome: "ignored",
    });
    expect(await counter(metrics, "deployment.failed", "ignored")).toBe(1);
  });

  it("never opens on a resolved signal, and adds one to the open incident", async () => {
    const { signals } = intake();
    const signal = await failedDeploy();
    expect((await signals.raise({ ...signal, state: "resolved" })).outcome).toBe("ignored");
    expect(await db.incident.count({ where: { teamId: signal.teamId } })).toBe(0);
    const opened = await signals.raise(signal);
    const resolved = await signals.raise({ ...signal, state: "resolved", summary: "fine again" });
    expect(resolved).toMatchObject({ outcome: "deduplicated", incidentId: opened.incidentId });
  });

  it("opens a new incident, numbered next, once the first is Resolved", async () => {
    const { signals } = intake();
    const signal = await failedDeploy();
    const first = await signals.raise(signal);
    await db.incident.update({ where: { id: first.incidentId ?? "" }, data: { status: "Resolved" } });
    const second = await signals.raise(signal);
    expect(second.outcome).toBe("opened");
    expect(second.incidentId).not.toBe(first.incidentId);
    expect(await db.incident.findUniqueOrThrow({ where: { id: second.incidentId ?? "" } })).toMatchObject({
      number: 2,
    });
  });

  it("refuses a malformed signal before storing anything", async () => {
    const { signals } = intake();
    const signal = await failedDeploy();
    await expect(signals.raise({ ...signal, reasonClass: "" })).rejects.toThrow();
    expect(await db.signal.count({ where: { teamId: signal.teamId } })).toBe(0);
  });
});

describe("incident numbers", () => {
  async function newTeam() {
    return (await teamWithApp(db)).team.id;
  }

  function create(teamId: string) {
    return (tx: Parameters<Parameters<typeof withNextIncidentNumber>[2]>[0], number: number) =>
      tx.incident.create({ data: { teamId, number, title: `#${number}`, severity: "SEV3", status: "Investigating" } });
  }

  it("numbers a team's incidents 1, 2, 3… however many open at once", async () => {
    const teamId = await newTeam();
    const rows = await Promise.all(Array.from({ length: 8 }, () => withNextIncidentNumber(db, teamId, create(teamId))));
    expect(rows.map((row) => row.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Numbers are per team: another team starts at 1.
    const other = await newTeam();
    expect((await withNextIncidentNumber(db, other, create(other))).number).toBe(1);
  });

  it("reads again and takes the next number when the one it read was taken meanwhile", async () => {
    const teamId = await newTeam();
    await withNextIncidentNumber(db, teamId, create(teamId));
    const attempts: number[] = [];
    const row = await withNextIncidentNumber(db, teamId, (tx, number) => {
      attempts.push(number);
      // The first attempt plays the loser of a race: it inserts the number another insert took.
      return create(teamId)(tx, attempts.length === 1 ? number - 1 : number);
    });
    expect(attempts).toEqual([2, 2]);
    expect(row.number).toBe(2);
  });

  it("does not retry an error other than a taken number", async () => {
    const teamId = await newTeam();
    let calls = 0;
    await expect(
      withNextIncidentNumber(db, teamId, async () => {
        calls += 1;
        throw new Error("disk on fire");
      }),
    ).rejects.toThrow("disk on fire");
    expect(calls).toBe(1);
  });
});
