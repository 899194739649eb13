// Approvals over tRPC and REST (/api/v1/approvals…, /api/v1/approval-policies): reading requests,
// reviewing, cancelling, and the team's policies. The rules live in the domain files beside this one;
// the gated app actions themselves stay in apps/apps-router.ts and call approval-gate.ts.
import {
  approvalListInputSchema,
  approvalListSchema,
  approvalPoliciesOutputSchema,
  approvalRefSchema,
  approvalRequestSchema,
  approvalRequirementInputSchema,
  approvalRequirementSchema,
  approveInputSchema,
  denyInputSchema,
  savePoliciesInputSchema,
} from "@wheelhouse/shared";
import { z } from "zod";
import { rest } from "../trpc/rest";
import { router, withPermission } from "../trpc/trpc";
import { requirement } from "./approval-gate";
import { readPolicies, savePolicies } from "./approval-policies";
import { findRequest, listRequests, presentOne } from "./approval-requests";
import { cancel, review } from "./approval-reviews";

const TAGS = ["approvals"];
const requestOutput = z.object({ request: approvalRequestSchema });

export const approvalsRouter = router({
  list: withPermission("approvals.read")
    .meta(rest("GET", "/approvals", "Approval requests, newest first: waiting for you, yours, or all", TAGS))
    .input(approvalListInputSchema)
    .output(approvalListSchema)
    .query(({ ctx, input }) => listRequests(ctx.services.db, ctx.user.team.id, ctx.user, input)),

  get: withPermission("approvals.read")
    .meta(rest("GET", "/approvals/{id}", "One approval request (by id or number), with its reviews", TAGS))
    .input(approvalRefSchema)
    .output(requestOutput)
    .query(async ({ ctx, input }) => ({
      request: await presentOne(
        ctx.services.db,
        await findRequest(ctx.services.db, ctx.user.team.id, input.id),
        ctx.user,
      ),
    })),

  approve: withPermission("approvals.review")
    .meta(rest("POST", "/approvals/{id}/approve", "Approve a request; the last required approval runs it", TAGS))
    .input(approveInputSchema)
    .output(requestOutput)
    .mutation(async ({ ctx, input }) => ({
      request: await presentOne(ctx.services.db, await review(ctx, input.id, "approve", input.comment), ctx.user),
    })),

  deny: withPermission("approvals.review")
    .meta(rest("POST", "/approvals/{id}/deny", "Deny a request (ends it); the comment says why", TAGS))
    .input(denyInputSchema)
    .output(requestOutput)
    .mutation(async ({ ctx, input }) => ({
      request: await presentOne(ctx.services.db, await review(ctx, input.id, "deny", input.comment), ctx.user),
    })),

  cancel: withPermission("approvals.cancel")
    .meta(rest("POST", "/approvals/{id}/cancel", "Cancel your own request while it waits", TAGS))
    .input(approvalRefSchema)
    .output(requestOutput)
    .mutation(async ({ ctx, input }) => ({
      request: await presentOne(ctx.services.db, await cancel(ctx, input.id), ctx.user),
    })),

  policies: withPermission("approvals.read")
    .meta(rest("GET", "/approval-policies", "Which actions wait for approval, by environment", TAGS))
    .input(z.object({}).strict().optional())
    .output(approvalPoliciesOutputSchema)
    .query(({ ctx }) => readPolicies(ctx.services.db, ctx.user.team.id)),

  savePolicies: withPermission("approvals.policies.manage")
    .meta(rest("PUT", "/approval-policies", "Replace the team's approval policies", TAGS))
    .input(savePoliciesInputSchema)
    .output(approvalPoliciesOutputSchema)
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await savePolicies(ctx.services.db, ctx.user.team.id, input.policies, ctx.user.id);
      await ctx.audit({
        action: "approvals.policies.update",
        target: { type: "team", id: ctx.user.team.id },
        details: { before: before.policies, after: after.policies, wereDefaults: before.defaults },
      });
      return after;
    }),

  requirement: withPermission("approvals.read")
    .meta(rest("GET", "/approval-requirement", "Whether an action on an app would wait for approval", TAGS))
    .input(approvalRequirementInputSchema)
    .output(approvalRequirementSchema)
    .query(({ ctx, input }) => requirement(ctx.services, ctx.user.team.id, input.app, input.action)),
});
