// When a signal opens an incident (incidents/signal-intake.ts), every runbook whose `attach` rules
// match the opening signal is attached, and its `auto: true` steps then run by themselves in the
// background, one after another, as Wheelhouse.
import { isCheckStep, SEVERITIES, type Severity, SIGNAL_KINDS, type SignalKind } from "@wheelhouse/shared";
import { z } from "zod";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { attachesTo, type OpeningFacts, reasonOfFingerprint } from "./attach-rules";
import { effectiveRunbooks } from "./runbook-lookup";
import { attachRunbook, runStep } from "./runbook-runs";

const detailsSchema = z.record(z.string(), z.unknown());
const isSignalKind = (kind: string): kind is SignalKind => (SIGNAL_KINDS as readonly string[]).includes(kind);
const isSeverity = (value: string): value is Severity => (SEVERITIES as readonly string[]).includes(value);

/** The facts of the signal that opened the incident; null when no signal opened it. */
async function openingFacts(services: PortalServices, incidentId: string): Promise<OpeningFacts | null> {
  const { db } = services;
  const incident = await db.incident.findUnique({
    where: { id: incidentId },
    select: { severity: true, appId: true },
  });
  if (!incident) return null;
  const signal = await db.signal.findFirst({
    where: { incidentId, outcome: "opened" },
    orderBy: { receivedAt: "asc" },
    select: { kind: true, fingerprint: true, severity: true, details: true },
  });
  if (!signal || !isSignalKind(signal.kind)) return null;
  const parsedDetails = detailsSchema.safeParse(JSON.parse(signal.details));
  const details = parsedDetails.success ? parsedDetails.data : {};
  let environment: OpeningFacts["environment"] =
    details.environment === "production" || details.environment === "staging" ? details.environment : null;
  if (environment === null && incident.appId) {
    const app = await db.app.findUnique({ where: { id: incident.appId }, select: { environment: true } });
    if (app?.environment === "production" || app?.environment === "staging") environment = app.environment;
  }
  const severity = signal.severity && isSeverity(signal.severity) ? signal.severity : incident.severity;
  return {
    signal: signal.kind,
    reason: reasonOfFingerprint(signal.fingerprint),
    severity: isSeverity(severity) ? severity : "SEV4",
    environment,
  };
}

export interface AttachedByRules {
  /** The runs attached, by slug. */
  slugs: string[];
  /** Settles when every `auto: true` step has run (tests wait on it; callers need not). */
  autoSteps: Promise<void>;
}

/**
 * Attaches every runbook of the incident's team whose rules match the opening signal, then starts
 * their automatic steps in the background. Never throws for a runbook that is already attached.
 */
export async function attachRunbooksByRules(
  services: PortalServices,
  incidentId: string,
  stopping?: AbortSignal,
): Promise<AttachedByRules> {
  const incident = await services.db.incident.findUnique({ where: { id: incidentId }, select: { teamId: true } });
  const facts = await openingFacts(services, incidentId);
  if (!incident || !facts) return { slugs: [], autoSteps: Promise.resolve() };
  const teamId = incident.teamId;
  const matching = (await effectiveRunbooks(services, teamId)).filter((runbook) =>
    attachesTo(runbook.definition, facts),
  );
  const attached: { runId: string; stepIds: string[] }[] = [];
  for (const runbook of matching) {
    try {
      const run = await attachRunbook(services, { teamId, incidentId, slug: runbook.slug, by: "rule", actor: null });
      attached.push({
        runId: run.id,
        stepIds: run.definition.steps.filter((step) => isCheckStep(step) && step.auto === true).map((step) => step.id),
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "CONFLICT") continue;
      throw error;
    }
  }
  const autoSteps = (async () => {
    for (const { runId, stepIds } of attached)
      for (const stepId of stepIds) {
        // The portal is stopping: the rest stay for a person (or the next incident) to run.
        if (stopping?.aborted) return;
        try {
          await runStep(services, { teamId, runId, stepId, actor: null });
        } catch (error) {
          // A person clicked Run first (CONFLICT): their run stands. Anything else is logged and the
          // next step still runs.
          if (error instanceof AppError && error.code === "CONFLICT") continue;
          if (stopping?.aborted) return;
          services.logger.error({ err: error, incidentId, runId, stepId }, "an automatic runbook step could not run");
        }
      }
  })();
  return { slugs: matching.map((runbook) => runbook.slug), autoSteps };
}
