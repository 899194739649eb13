// Runs one automatic runbook step (issue 13 item 5): fills the step's placeholders from the
// incident's app and host, resolves a database URL from the app's variables, picks the host, and
// sends `check.run` to its agent, or answers the portal's own checks itself. A check that cannot run
// is an `error` result with the sentence why, never a throw. Secrets opened here go to the agent
// inside the parameters and nowhere else: not into the result, a log or the timeline.
// Why typed checks instead of scripts: docs/decisions/033-check-catalogue.md.
import {
  type AgentCheckKind,
  CHECK_PARAMS,
  CHECK_RUNS_ON,
  type CheckKind,
  type CheckParams,
  type CheckResult,
  type CheckStep,
  fillPlaceholders,
} from "@wheelhouse/shared";
import type { z } from "zod";
import { reasonOf } from "../errors/app-error";
import type { PortalServices } from "../services";
import { appContext, appVariable, type CheckTarget, loadTarget, placeholderValues } from "./check-target";
import { agentReachable, type CheckDraft, deploymentsRecent, imageStatusCheck } from "./portal-checks";

type Services = Pick<PortalServices, "db" | "secrets" | "agents" | "inventory">;

export interface CheckStepRequest {
  teamId: string;
  incidentId: string;
  appId: string | null;
  hostId: string | null;
  step: CheckStep;
}

/** The agent's answer may take this much longer than the check's own time limits (transport, engine calls). */
const AGENT_MARGIN_MS = 10_000;
/** For checks without a time parameter: engine calls, a TLS handshake (10 s), a stats sample. */
const DEFAULT_CHECK_MS = 20_000;

/** How long the agent may take for this check. */
export function agentTimeoutMs(kind: CheckKind, params: Record<string, unknown>): number {
  if (kind === "command.run") return Number(params.timeoutSeconds ?? 30) * 1000 + AGENT_MARGIN_MS;
  // http.probe probes instances at once; database.reachable connects, then queries.
  if (kind === "http.probe" || kind === "database.reachable")
    return Number(params.timeoutMs ?? 5_000) * 2 + AGENT_MARGIN_MS;
  return DEFAULT_CHECK_MS + AGENT_MARGIN_MS;
}

function errorDraft(finding: string): CheckDraft {
  return { outcome: "error", finding: finding.slice(0, 1_000), output: "", facts: {} };
}

/** Fills placeholders and the database URL, then parses the parameters as the catalogue defines them. */
function prepareParams(
  services: Services,
  target: CheckTarget,
  step: CheckStep,
): { ok: true; params: Record<string, unknown> } | { ok: false; finding: string } {
  const filled = fillPlaceholders(step.params ?? {}, placeholderValues(target));
  if (!filled.ok) return { ok: false, finding: `The step's parameters cannot be filled in: ${filled.message}` };
  const params = { ...filled.value };
  if (step.check === "database.reachable" && typeof params.envVar === "string" && params.url === undefined) {
    if (!target.app)
      return { ok: false, finding: `envVar ${params.envVar} names an app variable, and this incident has no app.` };
    try {
      params.url = appVariable(services, target.app, params.envVar);
    } catch (error) {
      return { ok: false, finding: reasonOf(error) };
    }
  }
  const parsed = (CHECK_PARAMS[step.check] as z.ZodType).safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      finding: `The step's parameters are refused: ${issue?.path.join(".") || "params"}: ${issue?.message}`,
    };
  }
  return { ok: true, params: parsed.data as Record<string, unknown> };
}

async function runOnPortal(
  services: Services,
  teamId: string,
  target: CheckTarget,
  kind: CheckKind,
  params: Record<string, unknown>,
): Promise<CheckDraft> {
  if (kind === "deployments.recent")
    return deploymentsRecent(services, target, params as CheckParams<"deployments.recent">);
  if (kind === "agent.reachable") return agentReachable(services, target);
  if (kind === "image.status") return imageStatusCheck(services, teamId, target);
  return errorDraft(`${kind} is not a portal check.`);
}

function isAgentCheck(kind: CheckKind): kind is AgentCheckKind {
  return CHECK_RUNS_ON[kind] === "agent";
}

async function runOnAgent(
  services: Services,
  target: CheckTarget,
  kind: AgentCheckKind,
  params: Record<string, unknown>,
): Promise<CheckDraft | CheckResult> {
  if (!target.host) return errorDraft(`${kind} runs on a host, and neither the incident nor its app has one.`);
  if (!services.agents.get(target.host.id)) return errorDraft(`the agent of ${target.host.name} is not connected`);
  try {
    return await services.agents.command(
      target.host.id,
      "check.run",
      { check: { kind, params }, app: appContext(target) },
      { timeoutMs: agentTimeoutMs(kind, params) },
    );
  } catch (error) {
    // The registry's sentences (not connected, no answer within N s) are the finding.
    return errorDraft(`${kind} on ${target.host.name} could not run: ${reasonOf(error)}`);
  }
}

/**
 * Runs one automatic step's check; answers its result and the host it looked at (null for the
 * portal's checks of its own records).
 */
export async function runCheckStep(
  services: Services,
  request: CheckStepRequest,
): Promise<{ result: CheckResult; hostId: string | null }> {
  const started = performance.now();
  const kind = request.step.check;
  const target = await loadTarget(services, request.teamId, request.appId, request.hostId);
  const prepared = prepareParams(services, target, request.step);
  let answer: CheckDraft | CheckResult;
  if (!prepared.ok) answer = errorDraft(prepared.finding);
  else if (isAgentCheck(kind)) answer = await runOnAgent(services, target, kind, prepared.params);
  else {
    try {
      answer = await runOnPortal(services, request.teamId, target, kind, prepared.params);
    } catch (error) {
      answer = errorDraft(`${kind} could not run: ${reasonOf(error)}`);
    }
  }
  const result: CheckResult =
    "durationMs" in answer ? answer : { ...answer, durationMs: Math.round(performance.now() - started) };
  const lookedAt = isAgentCheck(kind) || kind === "agent.reachable" ? (target.host?.id ?? null) : null;
  return { result, hostId: lookedAt };
}
