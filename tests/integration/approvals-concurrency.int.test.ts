// Approvals on the real Docker engine and nginx, part two (issue 14): what happens at the same
// moment, and the ways around a review. Three reviewers approving the last needed approval at once
// run the rollback exactly once, as do two first approvals at once under a threshold of 2; four
// people asking the same rollback at once open one request; an approval and its author's cancel at
// once end it one way, never both. Break-glass is an admin's alone, needs a reason, runs at once
// and leaves a flagged request, an audit event, a signed webhook and an entry on the timeline of
// the app's open incident; a request that waited while it ran can no longer execute. A staging app
// waits for no one until a policy for `any` environment gates its restart. The rules one reviewer
// at a time meets are in approvals.int.test.ts.
import type { TimelineEntry } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP,
  type ApprovalsWorld,
  auditEvents,
  deployLive,
  deploymentsOf,
  type GatedAnswer,
  metricSample,
  OPERATOR,
  requestView,
  setUpApprovalsWorld,
  tearDownApprovalsWorld,
  throughNginx,
} from "../support/approvals.ts";
import { waitForDeployment } from "../support/deployments.ts";
import { testAppImage, testAppPage } from "../support/docker.ts";
import type { RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";

const STAGING_APP = "stage";
let world: ApprovalsWorld;
const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
  world = await setUpApprovalsWorld("concurrency-host");
}, 180_000);

afterAll(async () => {
  await receiver.stop();
  await tearDownApprovalsWorld(world);
});

describe("the last approval arriving three times at once", () => {
  it.each([1, 2])("runs the rollback to release %i exactly once", async (releaseNumber) => {
    const before = await deploymentsOf(world.admin, APP);
    const asked = await world.operator.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, {
      releaseNumber,
      reason: "race the reviewers",
    });
    const id = asked.body.approval?.requestId;
    expect(id, JSON.stringify(asked.body)).toBeDefined();
    const answers = await Promise.all(
      [world.approver, world.approver2, world.admin].map((reviewer) =>
        reviewer.call<{ request?: { status: string } }>("POST", `/approvals/${id}/approve`, { comment: "now" }),
      ),
    );
    // On PostgreSQL the three reviews really overlap (each is recorded and each sees the threshold
    // met; one moves the request on); SQLite runs one transaction at a time, so the later two are
    // refused as already executed (409). Either way no one gets a server error.
    for (const answer of answers) expect([200, 409], JSON.stringify(answer.body)).toContain(answer.status);
    expect(answers.filter((answer) => answer.body.request?.status === "executed")).toHaveLength(1);

    const request = await requestView(world.admin, id ?? "");
    expect(request.status).toBe("executed");
    const after = await deploymentsOf(world.admin, APP);
    const created = after.filter((deployment) => !before.some((old) => old.id === deployment.id));
    expect(created.map((deployment) => deployment.id)).toEqual([request.deploymentId]);
    const executions = await auditEvents(world.admin, { action: "approvals.execute", target: id ?? "" });
    expect(executions.map((event) => event.outcome)).toEqual(["success"]);
    // Every attempt left its event, the losers' included (a failure saying it already ran).
    const reviews = await auditEvents(world.admin, { action: "approvals.approve", target: id ?? "" });
    expect(reviews).toHaveLength(3);

    const live = await waitForDeployment(world.admin, request.deploymentId ?? "");
    expect([live.status, live.releaseNumber, live.requestedBy]).toEqual(["Live", releaseNumber, OPERATOR]);
    expect((await throughNginx(world)).body).toBe(testAppPage(releaseNumber === 1 ? "v1" : "v2"));
  });
});

describe("two first approvals at once under a threshold of 2", () => {
  it("executes once: neither is lost, so the request does not stay pending with both", async () => {
    const current = (await world.admin.call<{ policies: unknown[] }>("GET", "/approval-policies")).body.policies;
    const scaleTwice = {
      action: "apps.scale",
      environment: "production",
      approvals: 2,
      reviewerRoles: ["approver", "admin"],
      requestExpirySeconds: 3_600,
      approvalValiditySeconds: 600,
    };
    const saved = await world.admin.call("PUT", "/approval-policies", { policies: [...current, scaleTwice] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const asked = await world.operator.call<GatedAnswer>("POST", `/apps/${APP}/scale`, { replicas: 2, reason: "sale" });
    const id = asked.body.approval?.requestId ?? "";
    const before = await deploymentsOf(world.admin, APP);
    const answers = await Promise.all(
      [world.approver, world.approver2].map((reviewer) => reviewer.call("POST", `/approvals/${id}/approve`, {})),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const request = await requestView(world.admin, id);
    expect([request.status, request.approvalsCounted]).toEqual(["executed", 2]);
    const created = (await deploymentsOf(world.admin, APP)).filter((d) => !before.some((old) => old.id === d.id));
    expect(created.map((deployment) => deployment.id)).toEqual([request.deploymentId]);
    const scale = await waitForDeployment(world.admin, request.deploymentId ?? "");
    expect([scale.status, scale.kind, scale.replicas]).toEqual(["Live", "scale", 2]);
  });
});

describe("break-glass", () => {
  let incidentId: string;
  let secret: string;

  beforeAll(async () => {
    const opened = await world.operator.call<{ incident: { id: string } }>("POST", "/incidents", {
      title: "checkout fails after release 2",
      severity: "SEV2",
      app: APP,
    });
    if (opened.status !== 200) throw new Error(JSON.stringify(opened.body));
    incidentId = opened.body.incident.id;
    const hook = await world.admin.call<{ secret: string }>("POST", "/webhooks", {
      name: "on-call channel",
      url: receiver.url,
      events: ["approval.break-glass"],
    });
    if (hook.status !== 200) throw new Error(JSON.stringify(hook.body));
    secret = hook.body.secret;
    receiver.setSecret(secret);
  });

  it("is refused to an operator (audited) and to an admin without a reason", async () => {
    const byOperator = await world.operator.call("POST", `/apps/${APP}/rollback`, {
      releaseNumber: 1,
      breakGlass: true,
      reason: "cannot wait",
    });
    expect(byOperator.status).toBe(403);
    const refusals = await auditEvents(world.admin, {
      action: "approvals.break-glass",
      actor: OPERATOR,
      outcome: "denied",
    });
    expect(refusals).toHaveLength(1);

    const noReason = await world.admin.call("POST", `/apps/${APP}/rollback`, { releaseNumber: 1, breakGlass: true });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/Break-glass needs a reason/);
    expect((await throughNginx(world)).body).toBe(testAppPage("v2"));
  });

  it("runs an admin's rollback at once, flagged, audited, notified and on the incident's timeline", async () => {
    const ran = await world.admin.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, {
      releaseNumber: 1,
      breakGlass: true,
      reason: "checkout is down, nobody to approve at 3 am",
    });
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body.approval).toBeUndefined();
    const deployment = await waitForDeployment(world.admin, ran.body.deployment?.id ?? "");
    expect([deployment.status, deployment.kind, deployment.releaseNumber]).toEqual(["Live", "rollback", 1]);
    expect((await throughNginx(world)).body).toBe(testAppPage("v1"));

    const [flagged] = (
      await world.admin.call<{ requests: { id: string; number: number }[] }>("GET", `/approvals?app=${APP}&limit=1`)
    ).body.requests;
    const request = await requestView(world.approver, flagged?.id ?? "");
    expect(request).toMatchObject({ breakGlass: true, status: "executed", deploymentId: deployment.id });
    expect(request.you.canReview).toBe(false);
    const audited = await auditEvents(world.admin, { action: "approvals.break-glass", outcome: "success" });
    expect(audited.map((event) => [event.actorEmail, event.targetId])).toEqual([["admin@example.com", request.id]]);

    const [delivery] = await waitFor(() => receiver.ofEvent("approval.break-glass"), {
      what: "the approval.break-glass webhook",
      timeoutMs: 15_000,
      until: (deliveries) => deliveries.length > 0,
    });
    expect(delivery?.verified).toBe(true);
    expect(delivery?.json.data).toMatchObject({
      requestId: request.id,
      number: request.number,
      app: APP,
      reason: "checkout is down, nobody to approve at 3 am",
      skippedReviewerRoles: ["approver", "admin"],
    });

    const incident = await world.operator.call<{ incident: { timeline: TimelineEntry[] } }>(
      "GET",
      `/incidents/${incidentId}`,
    );
    const entry = incident.body.incident.timeline.find(
      (e) => e.kind === "approval" && (e.data as { number?: number }).number === request.number,
    );
    expect(entry?.data).toMatchObject({ breakGlass: true, status: "executed", requester: "admin@example.com" });
  });
  it("leaves a request that waited meanwhile unable to run: approving it says the target moved on", async () => {
    const asked = await world.operator.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, {
      releaseNumber: 2,
      reason: "asked while the break-glass rollback stands",
    });
    const id = asked.body.approval?.requestId ?? "";
    const ran = await world.admin.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, {
      releaseNumber: 2,
      breakGlass: true,
      reason: "release 1 is worse, back to 2 now",
    });
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    const deployment = await waitForDeployment(world.admin, ran.body.deployment?.id ?? "");
    expect(deployment.status).toBe("Live");
    const before = await deploymentsOf(world.admin, APP);
    const approved = await world.approver.call<{ request: { status: string; outcome: string } }>(
      "POST",
      `/approvals/${id}/approve`,
      {},
    );
    expect(approved.body.request).toMatchObject({
      status: "failed",
      outcome: `Another deployment went Live after the request (${deployment.id}): ask again.`,
    });
    expect(await deploymentsOf(world.admin, APP)).toHaveLength(before.length);
    expect((await throughNginx(world)).body).toBe(testAppPage("v2"));
    // The incident's timeline shows this request too, with its review and how it ended.
    const incident = await world.operator.call<{ incident: { timeline: TimelineEntry[] } }>(
      "GET",
      `/incidents/${incidentId}`,
    );
    const entry = incident.body.incident.timeline.find(
      (e) => e.kind === "approval" && (e.data as { requestId?: string }).requestId === id,
    );
    expect(entry?.data).toMatchObject({
      breakGlass: false,
      status: "failed",
      requester: OPERATOR,
      reviews: [{ email: "approver@example.com", decision: "approve" }],
    });
  });
});

describe("environments", () => {
  it("runs a staging restart at once by default, and gates it once a policy names `any` environment", async () => {
    const created = await world.admin.call("POST", "/apps", {
      name: STAGING_APP,
      environment: "staging",
      image: testAppImage("v1"),
      pullPolicy: "never",
      port: 8080,
      hosts: [world.host.id],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await deployLive(world.admin, STAGING_APP);
    const direct = await world.operator.call<GatedAnswer>("POST", `/apps/${STAGING_APP}/restart`, {});
    expect(direct.body.approval).toBeUndefined();
    expect((await waitForDeployment(world.admin, direct.body.deployment?.id ?? "")).status).toBe("Live");

    const policies = (await world.admin.call<{ policies: unknown[] }>("GET", "/approval-policies")).body.policies;
    const restartAnywhere = {
      action: "apps.restart",
      environment: "any",
      approvals: 1,
      reviewerRoles: ["approver"],
      requestExpirySeconds: 3_600,
      approvalValiditySeconds: 600,
    };
    const saved = await world.admin.call("PUT", "/approval-policies", { policies: [...policies, restartAnywhere] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);

    const gated = await world.operator.call<GatedAnswer>("POST", `/apps/${STAGING_APP}/restart`, {
      reason: "stuck worker",
    });
    expect(gated.body.deployment).toBeUndefined();
    const number = gated.body.approval?.number;
    const requirement = await world.operator.call<{ required: boolean; pending: { number: number } | null }>(
      "GET",
      `/approval-requirement?app=${STAGING_APP}&action=apps.restart`,
    );
    expect([requirement.body.required, requirement.body.pending?.number]).toEqual([true, number]);
    // Only approvers may review this one: the admin is refused.
    expect((await world.admin.call("POST", `/approvals/${number}/approve`, {})).status).toBe(403);
    const approved = await world.approver.call<{ request: { status: string; deploymentId: string } }>(
      "POST",
      `/approvals/${number}/approve`,
      {},
    );
    expect(approved.body.request.status, JSON.stringify(approved.body)).toBe("executed");
    const restart = await waitForDeployment(world.admin, approved.body.request.deploymentId);
    expect([restart.status, restart.kind, restart.requestedBy]).toEqual(["Live", "restart", OPERATOR]);
  });
});

describe("asking and cancelling at the same moment", () => {
  let race: { number: number; requester: RestClient };
  let raceEnded: "executed" | "cancelled";

  it("opens one request when four people ask for the same rollback at once", async () => {
    const askers = [world.operator, world.operator, world.approver, world.admin];
    const asks = await Promise.all(
      askers.map((client, index) =>
        client.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, { releaseNumber: 1, reason: `ask ${index}` }),
      ),
    );
    expect(asks.map((ask) => ask.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = asks.findIndex((ask) => ask.status === 200);
    const number = asks[winner]?.body.approval?.number ?? 0;
    for (const ask of asks.filter((a) => a.status === 409)) {
      expect(ask.body.message).toMatch(new RegExp(`Request #${number} .* is already waiting for approval`));
    }
    const open = await world.admin.call<{ requests: { number: number }[] }>(
      "GET",
      `/approvals?app=${APP}&status=pending`,
    );
    expect(open.body.requests.map((request) => request.number)).toEqual([number]);
    race = { number, requester: askers[winner] ?? world.operator };
  });

  it("settles an approval and its author's cancel at the same moment one way, never both", async () => {
    const before = await deploymentsOf(world.admin, APP);
    const [approved, cancelled] = await Promise.all([
      world.approver2.call("POST", `/approvals/${race.number}/approve`, {}),
      race.requester.call("POST", `/approvals/${race.number}/cancel`, {}),
    ]);
    expect([200, 409]).toContain(approved.status);
    const request = await requestView(world.admin, race.number);
    expect(["executed", "cancelled"]).toContain(request.status);
    raceEnded = request.status === "executed" ? "executed" : "cancelled";
    const created = (await deploymentsOf(world.admin, APP)).filter((d) => !before.some((old) => old.id === d.id));
    if (raceEnded === "executed") {
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(409);
      expect(created.map((deployment) => deployment.id)).toEqual([request.deploymentId]);
      expect((await waitForDeployment(world.admin, request.deploymentId ?? "")).status).toBe("Live");
    } else {
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect([created, request.deploymentId]).toEqual([[], null]);
    }
  });

  it("counts these requests by action and outcome in /metrics, and the waits", async () => {
    const text = await (await fetch(`${world.portal.url}/metrics`)).text();
    const requests = (action: string, outcome: string) =>
      metricSample(text, "wheelhouse_approval_requests_total", { action, outcome });
    const waits = (action: string) => metricSample(text, "wheelhouse_approval_wait_seconds_count", { action });
    // Rollbacks: two raced approvals, one overtaken by break-glass, the one four asked for at once;
    // two break-glass runs.
    const executedRace = raceEnded === "executed" ? 1 : 0;
    expect([
      requests("apps.rollback", "requested"),
      requests("apps.rollback", "approved-executed"),
      requests("apps.rollback", "failed"),
      requests("apps.rollback", "cancelled"),
      requests("apps.rollback", "break-glass"),
      waits("apps.rollback"),
    ]).toEqual([4, 2 + executedRace, 1, 1 - executedRace, 2, 4]);
    expect([
      requests("apps.scale", "requested"),
      requests("apps.scale", "approved-executed"),
      waits("apps.scale"),
    ]).toEqual([1, 1, 1]);
    expect([
      requests("apps.restart", "requested"),
      requests("apps.restart", "approved-executed"),
      waits("apps.restart"),
    ]).toEqual([1, 1, 1]);
  });
});
