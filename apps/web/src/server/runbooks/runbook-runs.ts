// Runbooks on an incident: attach one (it keeps the definition it was attached with, decision 032),
// run an automatic step (a check of the catalogue, through check-runner.ts) or tick a manual one.
// Each step execution is a RunbookStepRun row (the newest per step is its state) and a
// `runbook.step` entry on the incident's timeline with who and when.
import {
  type CheckResult,
  isCheckStep,
  type RunbookDefinition,
  type RunbookRunDto,
  type RunbookStep,
  runbookSchema,
  STEP_OUTCOMES,
  type StepOutcome,
  type StepState,
} from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError, reasonOf } from "../errors/app-error";
import { appendIncidentEvent, type EventActor } from "../incidents/incident-events";
import type { PortalServices } from "../services";
import { runCheckStep } from "./check-runner";
import { findRunbook } from "./runbook-lookup";

/** How an automatic step's runner is named where no person acted (StepState.by). */
export const WHEELHOUSE_ACTOR = "Wheelhouse";

/** What a step left `running` by a portal that stopped mid-check says once the portal is back. */
export const INTERRUPTED_FINDING = "The portal restarted while this check ran; run it again.";

type RunRow = {
  id: string;
  incidentId: string;
  slug: string;
  version: number;
  origin: string;
  title: string;
  definition: string;
  attachedBy: string;
};

type StepRow = {
  id: number;
  stepId: string;
  outcome: string;
  finding: string | null;
  output: string | null;
  hostId: string | null;
  actorEmail: string | null;
  automatic: boolean;
  startedAt: Date;
  finishedAt: Date | null;
};

const isStepOutcome = (value: string): value is StepOutcome => (STEP_OUTCOMES as readonly string[]).includes(value);

function definitionOf(run: Pick<RunRow, "definition">): RunbookDefinition {
  return runbookSchema.parse(JSON.parse(run.definition));
}

function stepState(stepId: string, row: StepRow | undefined, hostNames: ReadonlyMap<string, string>): StepState {
  if (!row)
    return {
      stepId,
      outcome: null,
      finding: null,
      output: null,
      by: null,
      automatic: false,
      at: null,
      hostName: null,
    };
  return {
    stepId,
    // A value outside the vocabulary would be a bug elsewhere; show it as an error rather than lie.
    outcome: isStepOutcome(row.outcome) ? row.outcome : "error",
    finding: row.finding,
    output: row.output,
    by: row.actorEmail ?? (row.automatic ? WHEELHOUSE_ACTOR : null),
    automatic: row.automatic,
    at: (row.finishedAt ?? row.startedAt).toISOString(),
    hostName: row.hostId ? (hostNames.get(row.hostId) ?? null) : null,
  };
}

async function hostNamesOf(db: Db, rows: readonly StepRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.flatMap((row) => (row.hostId ? [row.hostId] : [])))];
  if (ids.length === 0) return new Map();
  const hosts = await db.host.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(hosts.map((host) => [host.id, host.name]));
}

/** The runs attached to an incident, each with its definition and every step's newest state. */
export async function runbookRunsOf(db: Db, incidentId: string): Promise<RunbookRunDto[]> {
  const runs = await db.runbookRun.findMany({
    where: { incidentId },
    orderBy: { createdAt: "asc" },
    include: { steps: { orderBy: { id: "asc" } } },
  });
  const hostNames = await hostNamesOf(
    db,
    runs.flatMap((run) => run.steps),
  );
  return runs.map((run) => {
    const newest = new Map<string, StepRow>();
    for (const row of run.steps) newest.set(row.stepId, row);
    const definition = definitionOf(run);
    return {
      id: run.id,
      slug: run.slug,
      version: run.version,
      origin: run.origin === "team" ? "team" : "library",
      title: run.title,
      attachedBy: run.attachedBy === "rule" ? "rule" : "hand",
      definition,
      steps: definition.steps.map((step) => stepState(step.id, newest.get(step.id), hostNames)),
    };
  });
}

/** runbookRunsOf for a reader of `teamId`: an incident of another team is not found. */
export async function teamIncidentRuns(db: Db, teamId: string, incidentId: string): Promise<RunbookRunDto[]> {
  const incident = await db.incident.findFirst({ where: { id: incidentId, teamId }, select: { id: true } });
  if (!incident) throw new AppError("NOT_FOUND", "There is no such incident in your team.");
  return runbookRunsOf(db, incident.id);
}

function announce(services: Pick<PortalServices, "events">, teamId: string, incidentId: string): void {
  services.events.emit("incidentChanged", teamId, incidentId);
}

export interface AttachRequest {
  teamId: string;
  incidentId: string;
  slug: string;
  by: "rule" | "hand";
  actor: EventActor;
}

/** Attaches the runbook as it is now; later versions do not change this run. */
export async function attachRunbook(services: PortalServices, request: AttachRequest): Promise<RunbookRunDto> {
  const { db } = services;
  const incident = await db.incident.findFirst({
    where: { id: request.incidentId, teamId: request.teamId },
    select: { id: true },
  });
  if (!incident) throw new AppError("NOT_FOUND", "There is no such incident in your team.");
  const runbook = await findRunbook(services, request.teamId, request.slug);
  if (!runbook) throw new AppError("NOT_FOUND", `There is no runbook "${request.slug}".`);
  const attached = await db.runbookRun.findUnique({
    where: { incidentId_slug: { incidentId: incident.id, slug: runbook.slug } },
    select: { version: true, title: true },
  });
  if (attached)
    throw new AppError(
      "CONFLICT",
      `"${attached.title}" is already attached to this incident (version ${attached.version}); work through its steps there.`,
    );
  let runId: string;
  try {
    const run = await db.runbookRun.create({
      data: {
        incidentId: incident.id,
        slug: runbook.slug,
        version: runbook.version,
        origin: runbook.origin,
        title: runbook.definition.title,
        definition: JSON.stringify(runbook.definition),
        attachedBy: request.by,
        attachedById: request.actor?.id ?? null,
        attachedByEmail: request.actor?.email ?? null,
      },
      select: { id: true },
    });
    runId = run.id;
  } catch (error) {
    // Attached at the same moment by someone else (or a rule): the unique (incident, slug) index.
    if ((error as { code?: string } | null)?.code === "P2002")
      throw new AppError("CONFLICT", `"${runbook.definition.title}" is already attached to this incident.`);
    throw error;
  }
  await appendIncidentEvent(
    db,
    incident.id,
    "runbook.attached",
    { runId, slug: runbook.slug, version: runbook.version, title: runbook.definition.title, by: request.by },
    request.actor,
  );
  announce(services, request.teamId, incident.id);
  const runs = await runbookRunsOf(db, incident.id);
  const run = runs.find((candidate) => candidate.id === runId);
  if (!run) throw new Error(`the run ${runId} just attached is not there`);
  return run;
}

interface LoadedStep {
  run: RunRow & { incident: { id: string; teamId: string; appId: string | null; hostId: string | null } };
  step: RunbookStep;
}

async function loadStep(db: Db, teamId: string, runId: string, stepId: string): Promise<LoadedStep> {
  const run = await db.runbookRun.findUnique({
    where: { id: runId },
    include: { incident: { select: { id: true, teamId: true, appId: true, hostId: true } } },
  });
  if (!run || run.incident.teamId !== teamId)
    throw new AppError("NOT_FOUND", "There is no such runbook on an incident of your team.");
  const step = definitionOf(run).steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new AppError("NOT_FOUND", `Runbook "${run.title}" has no step "${stepId}".`);
  return { run, step };
}

async function newestRow(db: Db, runId: string, stepId: string): Promise<StepRow | null> {
  return db.runbookStepRun.findFirst({ where: { runId, stepId }, orderBy: { id: "desc" } });
}

async function stateOf(db: Db, row: StepRow): Promise<StepState> {
  return stepState(row.stepId, row, await hostNamesOf(db, [row]));
}

// Steps running in this process. The row says `running` too; this closes the window between two
// requests reading the newest row at the same moment.
const inFlight = new Set<string>();

export interface RunStepRequest {
  teamId: string;
  runId: string;
  stepId: string;
  /** Null: the runbook ran it by itself (auto: true), as Wheelhouse. */
  actor: EventActor;
}

/** Runs an automatic step's check and records its outcome; a step already running is refused. */
export async function runStep(services: PortalServices, request: RunStepRequest): Promise<StepState> {
  const { db } = services;
  const { run, step } = await loadStep(db, request.teamId, request.runId, request.stepId);
  if (!isCheckStep(step))
    throw new AppError("BAD_INPUT", `"${step.title}" is a manual step: follow its instructions and tick it when done.`);
  const key = `${run.id}/${step.id}`;
  const newest = await newestRow(db, run.id, step.id);
  if (inFlight.has(key) || newest?.outcome === "running")
    throw new AppError(
      "CONFLICT",
      `"${step.title}" is already running (started by ${newest?.actorEmail ?? WHEELHOUSE_ACTOR}); wait for its result.`,
    );
  inFlight.add(key);
  try {
    const automatic = request.actor === null;
    const started = await db.runbookStepRun.create({
      data: {
        runId: run.id,
        stepId: step.id,
        outcome: "running",
        actorId: request.actor?.id ?? null,
        actorEmail: request.actor?.email ?? null,
        automatic,
      },
      select: { id: true },
    });
    announce(services, request.teamId, run.incident.id);
    const began = Date.now();
    let result: CheckResult;
    let hostId: string | null = null;
    try {
      ({ result, hostId } = await runCheckStep(services, {
        teamId: request.teamId,
        incidentId: run.incident.id,
        appId: run.incident.appId,
        hostId: run.incident.hostId,
        step,
      }));
    } catch (error) {
      // The runner answers `error` for a check that could not run; a throw is a bug or an outage,
      // and still must not leave the step running.
      services.logger.error({ err: error, runId: run.id, stepId: step.id }, "a runbook check failed to run");
      result = {
        outcome: "error",
        finding: `The check could not run: ${reasonOf(error)}`.slice(0, 1_000),
        output: "",
        facts: {},
        durationMs: Date.now() - began,
      };
    }
    // The outcome and its timeline entry are one write: a reader (or a crash) never sees one without the other.
    const finishedAt = new Date();
    const finished = await db.$transaction(async (tx) => {
      const row = await tx.runbookStepRun.update({
        where: { id: started.id },
        data: { outcome: result.outcome, finding: result.finding, output: result.output, hostId, finishedAt },
      });
      await appendIncidentEvent(
        tx,
        run.incident.id,
        "runbook.step",
        {
          runId: run.id,
          slug: run.slug,
          stepId: step.id,
          stepTitle: step.title,
          outcome: result.outcome,
          finding: result.finding,
          automatic,
        },
        request.actor,
        finishedAt,
      );
      return row;
    });
    services.metrics.runbookChecks.inc({ check: step.check, outcome: result.outcome });
    announce(services, request.teamId, run.incident.id);
    return await stateOf(db, finished);
  } finally {
    inFlight.delete(key);
  }
}

export interface TickStepRequest {
  teamId: string;
  runId: string;
  stepId: string;
  done: boolean;
  actor: { id: string; email: string };
}

/** Marks a manual step done, or undone again. */
export async function tickStep(services: PortalServices, request: TickStepRequest): Promise<StepState> {
  const { db } = services;
  const { run, step } = await loadStep(db, request.teamId, request.runId, request.stepId);
  if (isCheckStep(step))
    throw new AppError("BAD_INPUT", `"${step.title}" is an automatic step: run its check instead of ticking it.`);
  const outcome: StepOutcome = request.done ? "done" : "undone";
  const now = new Date();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.runbookStepRun.create({
      data: {
        runId: run.id,
        stepId: step.id,
        outcome,
        actorId: request.actor.id,
        actorEmail: request.actor.email,
        automatic: false,
        startedAt: now,
        finishedAt: now,
      },
    });
    await appendIncidentEvent(
      tx,
      run.incident.id,
      "runbook.step",
      {
        runId: run.id,
        slug: run.slug,
        stepId: step.id,
        stepTitle: step.title,
        outcome,
        finding: null,
        automatic: false,
      },
      request.actor,
      now,
    );
    return created;
  });
  announce(services, request.teamId, run.incident.id);
  return stateOf(db, row);
}

/**
 * At start-up: a step the previous process left `running` never finishes by itself. Each is marked
 * `error` with a sentence, and its timeline says so. Returns how many there were.
 */
export async function endInterruptedSteps(db: Db): Promise<number> {
  const rows = await db.runbookStepRun.findMany({
    where: { outcome: "running" },
    include: { run: { select: { id: true, slug: true, incidentId: true, definition: true } } },
  });
  for (const row of rows) {
    const now = new Date();
    await db.runbookStepRun.update({
      where: { id: row.id },
      data: { outcome: "error", finding: INTERRUPTED_FINDING, finishedAt: now },
    });
    const title = definitionOf(row.run).steps.find((step) => step.id === row.stepId)?.title ?? row.stepId;
    await appendIncidentEvent(
      db,
      row.run.incidentId,
      "runbook.step",
      {
        runId: row.run.id,
        slug: row.run.slug,
        stepId: row.stepId,
        stepTitle: title,
        outcome: "error",
        finding: INTERRUPTED_FINDING,
        automatic: row.automatic,
      },
      null,
      now,
    );
  }
  return rows.length;
}
