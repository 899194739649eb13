// The gate in front of the five app actions (rollback, deploy, restart, scale, maintenance), called
// by their routes before anything runs (issue 14). No policy for (action, app's environment): the
// action runs as it always did. A policy: the action waits for review as a request binding its exact
// parameters, or, with break-glass, an admin runs it at once and the request is recorded flagged.
import type { ApprovalPending, ApprovalPolicy, GatedAction } from "@wheelhouse/shared";
import { policyFor } from "@wheelhouse/shared";
import { authorize } from "../access/authorize";
import type { SessionUser } from "../access/sessions";
import type { AppRecord } from "../apps/app-record";
import { getApp } from "../apps/apps";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import type { ProcedureAudit } from "../trpc/procedure-audit";
import { type ActionRun, askedPhrase, bindParams, type GatedInput, PERMISSION_OF, runAction } from "./approval-actions";
import { bindingOf } from "./approval-binding";
import { announce } from "./approval-notices";
import { readPolicies } from "./approval-policies";
import { createRequest } from "./approval-store";
import { reviewerRolesPhrase } from "./review-engine";

/** Who asks, as the route knows them: the domain never sees tRPC, only these. */
export interface GateCaller {
  services: PortalServices;
  user: SessionUser;
  ip: string;
  audit: ProcedureAudit;
}

export interface GateAnswer {
  app: AppRecord;
  /** The action ran (no policy, or break-glass). */
  run: ActionRun | null;
  /** The action waits for review. */
  approval: ApprovalPending | null;
}

const appTarget = (id: string) => ({ type: "app", id });

/**
 * The permission is checked here rather than by withPermission: asking for break-glass needs
 * `approvals.break-glass` whatever the action (and is audited as that refusal), otherwise the action's own.
 */
export async function gated(
  caller: GateCaller,
  input: GatedInput,
  options: { reason?: string | undefined; breakGlass?: boolean | undefined },
): Promise<GateAnswer> {
  const { services, user, ip } = caller;
  await authorize(services.db, user, options.breakGlass ? "approvals.break-glass" : PERMISSION_OF[input.action], ip);
  const app = await getApp(services.db, user.team.id, input.name);
  const policy = policyFor((await readPolicies(services.db, user.team.id)).policies, input.action, app.environment);
  const reason = options.reason?.trim() || undefined;
  if (!policy) return { app, run: await runDirectly(caller, input, reason), approval: null };
  if (options.breakGlass) return breakGlass(caller, app, input, policy, reason);
  return { app, run: null, approval: await openRequest(caller, app, input, policy, reason) };
}

/** As the routes always ran it: the action, then its audit entry, then a maintenance failure is thrown. */
async function runDirectly(caller: GateCaller, input: GatedInput, reason: string | undefined): Promise<ActionRun> {
  const run = await runAction(caller.services, caller.user, input, reason);
  await caller.audit({ action: run.audit.action, target: appTarget(run.app.id), details: run.audit.details });
  if (run.failure) throw run.failure;
  return run;
}

async function breakGlass(
  caller: GateCaller,
  app: AppRecord,
  input: GatedInput,
  policy: ApprovalPolicy,
  reason: string | undefined,
): Promise<GateAnswer> {
  const { services, user } = caller;
  if (!reason) {
    throw new AppError("BAD_INPUT", "Break-glass needs a reason: say why this cannot wait for approval (reason).");
  }
  const params = await bindParams(services.db, app, input);
  const binding = await bindingOf(services.db, app);
  const run = await runAction(services, user, input, reason);
  const now = new Date();
  const request = await createRequest(services.db, {
    app,
    action: input.action,
    params,
    binding,
    policy,
    reason,
    requester: user,
    breakGlass: true,
    status: "executed",
    deploymentId: run.deployment?.id ?? null,
    outcome: run.failure ? run.failure.message : null,
    decidedAt: now,
    executedAt: now,
  });
  const number = request.row.number;
  await caller.audit({
    action: run.audit.action,
    target: appTarget(app.id),
    details: { ...run.audit.details, breakGlass: true, approvalRequest: number },
  });
  await caller.audit({
    action: "approvals.break-glass",
    target: { type: "approval", id: request.row.id },
    details: { number, app: app.name, action: input.action, params, reason, deploymentId: run.deployment?.id ?? null },
  });
  await announce(services, request, "break-glass");
  if (run.failure) throw run.failure;
  return { app: run.app, run, approval: null };
}

function approvalsPhrase(policy: ApprovalPolicy): string {
  const count = `${policy.approvals} approval${policy.approvals === 1 ? "" : "s"}`;
  return `${count} from ${reviewerRolesPhrase(policy.reviewerRoles)}`;
}

async function openRequest(
  caller: GateCaller,
  app: AppRecord,
  input: GatedInput,
  policy: ApprovalPolicy,
  reason: string | undefined,
): Promise<ApprovalPending> {
  const { services, user } = caller;
  const params = await bindParams(services.db, app, input);
  const asked = askedPhrase(params, app.name, app.environment);
  if (!reason) {
    throw new AppError(
      "BAD_INPUT",
      `${asked} needs approval: say why (reason), so reviewers know what they approve. It needs ${approvalsPhrase(policy)}.`,
    );
  }
  const binding = await bindingOf(services.db, app);
  const request = await createRequest(services.db, {
    app,
    action: input.action,
    params,
    binding,
    policy,
    reason,
    requester: user,
    breakGlass: false,
    status: "pending",
  });
  const { row } = request;
  await caller.audit({
    action: "approvals.request",
    target: { type: "approval", id: row.id },
    details: { number: row.number, app: app.name, action: input.action, params, reason, policy },
  });
  await announce(services, request, "requested");
  return {
    requestId: row.id,
    number: row.number,
    status: "pending",
    message: `${asked} needs ${approvalsPhrase(policy)}: request #${row.number} is waiting.`,
  };
}

/** Whether the action on the app would wait, for the UI's buttons (approvals.requirement). */
export async function requirement(
  services: Pick<PortalServices, "db">,
  teamId: string,
  appName: string,
  action: GatedAction,
) {
  const app = await getApp(services.db, teamId, appName);
  const policy = policyFor((await readPolicies(services.db, teamId)).policies, action, app.environment);
  const pending = await services.db.approvalRequest.findFirst({
    where: { teamId, appId: app.id, action, status: "pending" },
    orderBy: { number: "desc" },
  });
  return {
    required: policy !== null,
    policy,
    pending: pending
      ? {
          requestId: pending.id,
          number: pending.number,
          status: "pending" as const,
          message: `Request #${pending.number} (${pending.requesterEmail}: "${pending.reason}") is waiting for approval.`,
        }
      : null,
  };
}
