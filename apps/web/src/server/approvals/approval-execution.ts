// Running an approved request (issue 14): once, as the requester, with the bound parameters, after
// checking that the requester may still take the action and that the target has not changed since
// it was asked. Only the caller that moved the request pending → executing gets here
// (approval-reviews.ts), so two last approvals at once execute it once.
import { can, roleSchema } from "@wheelhouse/shared";
import { appInclude, toAppRecord } from "../apps/app-record";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import type { Requester } from "../deployments/deployment-requests";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { type ActionRun, inputOf, PERMISSION_OF, runAction } from "./approval-actions";
import { bindingProblem, currentTarget } from "./approval-binding";
import { announce } from "./approval-notices";
import { type ParsedRequest, reloadRequest } from "./approval-requests";
import { finishExecution } from "./approval-store";

type ExecutionServices = PortalServices;

/** The requester as the deployment's actor, or why they can no longer be. */
async function requesterNow(
  db: Db,
  request: ParsedRequest,
): Promise<{ requester: Requester; problem: null } | { requester: null; problem: string }> {
  const { row } = request;
  const user = await db.user.findUnique({
    where: { id: row.requesterId },
    include: { memberships: { where: { teamId: row.teamId } } },
  });
  const who = `The requester (${row.requesterEmail})`;
  if (!user) return { requester: null, problem: `${who} no longer exists.` };
  if (user.disabledAt) return { requester: null, problem: `${who} was disabled: it cannot run as them.` };
  const role = roleSchema.safeParse(user.memberships[0]?.role);
  if (!role.success) return { requester: null, problem: `${who} is no longer a member of the team.` };
  if (!can(role.data, PERMISSION_OF[request.action])) {
    return { requester: null, problem: `${who} is now ${role.data} and may no longer take this action.` };
  }
  return { requester: { id: user.id, email: user.email, team: { id: row.teamId } }, problem: null };
}

async function whyNot(db: Db, request: ParsedRequest): Promise<{ requester: Requester } | { problem: string }> {
  const who = await requesterNow(db, request);
  if (who.problem !== null) return { problem: who.problem };
  const { row, params, binding } = request;
  const appRow = await db.app.findUnique({ where: { id: row.appId }, include: appInclude });
  const target = await currentTarget(db, row.appId, params);
  const problem = bindingProblem(
    { appName: row.appName, params, binding },
    { app: appRow ? toAppRecord(appRow) : null, ...target },
  );
  return problem ? { problem } : { requester: who.requester };
}

/**
 * Executes `request` (status executing) and records executed + its deployment, or failed + why.
 * `approvedBy` is the reviewer whose approval met the policy; `ip` their address, for the audit.
 */
export async function executeApproved(
  services: ExecutionServices,
  request: ParsedRequest,
  approvedBy: string,
  ip: string,
): Promise<ParsedRequest> {
  const { db, logger } = services;
  const { row } = request;
  const base = { teamId: row.teamId, ip, target: { type: "approval", id: row.id } };
  const details = { number: row.number, app: row.appName, action: row.action, approvedBy };
  const ready = await whyNot(db, request);
  let failure = "problem" in ready ? ready.problem : "";
  if ("requester" in ready) {
    let run: ActionRun | null = null;
    try {
      run = await runAction(services, ready.requester, inputOf(row.appName, request.params), row.reason);
    } catch (error) {
      if (!(error instanceof AppError)) {
        // Not a refusal of the action: a bug or a broken database. Recorded so the request does not
        // stay "executing" for ever, and logged to be seen.
        logger.error({ err: error, requestId: row.id }, "an approved request failed to execute");
      }
      failure = error instanceof AppError ? error.message : "It failed on the server; the portal's log says why.";
    }
    if (run) {
      await finishExecution(db, row.id, {
        status: "executed",
        // Maintenance stored but a host's nginx did not take it: executed, and says so.
        outcome: run.failure?.message ?? null,
        deploymentId: run.deployment?.id ?? null,
      });
      // The action's own entry, as the requester, so "who rolled back" reads the same either way.
      await recordAudit(db, {
        ...base,
        actor: ready.requester,
        action: run.audit.action,
        target: { type: "app", id: run.app.id },
        outcome: "success",
        details: { ...run.audit.details, approvalRequest: row.number, approvedBy },
      });
      await recordAudit(db, {
        ...base,
        actor: ready.requester,
        action: "approvals.execute",
        outcome: "success",
        details: { ...details, deploymentId: run.deployment?.id ?? null },
      });
      const executed = await reloadRequest(db, row.id);
      await announce(services, executed, "approved-executed", approvedBy);
      return executed;
    }
  }
  await finishExecution(db, row.id, { status: "failed", outcome: failure, deploymentId: null });
  await recordAudit(db, {
    ...base,
    actor: { id: row.requesterId, email: row.requesterEmail },
    action: "approvals.execute",
    outcome: "failure",
    details: { ...details, error: failure },
  });
  const failed = await reloadRequest(db, row.id);
  await announce(services, failed, "failed", approvedBy);
  return failed;
}
