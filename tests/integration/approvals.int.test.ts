// Approvals on the real Docker engine and nginx (issue 14): a production rollback asked by an
// operator waits, changes nothing nginx serves, cannot be approved by its author, and once an
// approver approves it runs as the operator and nginx serves the old release. Then the rules the
// server enforces whatever the transport, each with what a person would notice: thresholds, denial,
// cancel, expiry of the request and of an approval, a target that changed in between, a requester
// who may no longer take the action; maintenance mode switched by nginx once approved; and the
// counts /metrics shows for all of it. Everything goes through REST with each person's API key.
// Break-glass, concurrent approvals and staging are in approvals-concurrency.int.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import {
  APP,
  APPROVER,
  type ApprovalsWorld,
  auditEvents,
  deployLive,
  deploymentsOf,
  type GatedAnswer,
  metricSample,
  OPERATOR,
  pastTime,
  releasesOf,
  requestView,
  setUpApprovalsWorld,
  tearDownApprovalsWorld,
  throughNginx,
} from "../support/approvals.ts";
import { sql } from "../support/database.ts";
import { waitForDeployment } from "../support/deployments.ts";
import { testAppPage } from "../support/docker.ts";
import type { RestClient } from "../support/rest-client.ts";
import { waitFor } from "../support/wait-for.ts";

let world: ApprovalsWorld;

const POLICY = { environment: "production", reviewerRoles: ["approver", "admin"], requestExpirySeconds: 86_400 };
const POLICIES = [
  { ...POLICY, action: "apps.rollback", approvals: 1, approvalValiditySeconds: 3_600 },
  { ...POLICY, action: "apps.scale", approvals: 2, approvalValiditySeconds: 3_600 },
  { ...POLICY, action: "apps.maintenance", approvals: 1, approvalValiditySeconds: 3_600 },
];

beforeAll(async () => {
  world = await setUpApprovalsWorld("approvals-host");
  const saved = await world.admin.call("PUT", "/approval-policies", { policies: POLICIES });
  if (saved.status !== 200) throw new Error(JSON.stringify(saved.body));
}, 180_000);

afterAll(async () => {
  await tearDownApprovalsWorld(world);
});

/** Asks for a rollback that must wait; fails if it ran or was refused. */
async function askRollback(client: RestClient, releaseNumber: number, reason = "release 2 breaks checkout") {
  const asked = await client.call<GatedAnswer>("POST", `/apps/${APP}/rollback`, {
    releaseNumber,
    reason,
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  expect(asked.body.deployment).toBeUndefined();
  if (!asked.body.approval) throw new Error(`no approval request: ${JSON.stringify(asked.body)}`);
  return asked.body.approval;
}

const deploymentCount = async () => (await deploymentsOf(world.admin, APP)).length;

describe("a production rollback waits for an approver, then runs as its requester", () => {
  it("opens request #n, and nothing changes: release 2 is still served", async () => {
    const before = await deploymentCount();
    const noReason = await world.operator.call("POST", `/apps/${APP}/rollback`, { releaseNumber: 1 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toMatch(/needs approval: say why \(reason\)/);

    const pending = await askRollback(world.operator, 1);
    expect(pending.status).toBe("pending");
    expect(pending.message).toMatch(new RegExp(`request #${pending.number} is waiting`));
    expect(await deploymentCount()).toBe(before);
    expect((await throughNginx(world)).body).toBe(testAppPage("v2"));
    expect((await releasesOf(world.admin, APP)).find((r) => r.live)?.number).toBe(2);

    const again = await world.operator.call("POST", `/apps/${APP}/rollback`, { releaseNumber: 1, reason: "again" });
    expect(again.status).toBe(409);
  });

  it("binds the exact release, digest, hosts and replicas; its author may neither review nor approve", async () => {
    const [request] = (await world.operator.call<{ requests: { number: number }[] }>("GET", "/approvals?view=mine"))
      .body.requests;
    const release1 = (await releasesOf(world.admin, APP)).find((r) => r.number === 1);
    const seen = await requestView(world.operator, request?.number ?? 0);
    expect(seen.params).toEqual({
      action: "apps.rollback",
      releaseNumber: 1,
      releaseId: release1?.id,
      imageDigest: release1?.imageDigest,
      hosts: [{ id: world.host.id, name: "approvals-host" }],
      replicas: 1,
    });
    expect(seen.you).toMatchObject({ canReview: false, canCancel: true });
    expect(seen.you.cannotReviewBecause).toMatch(/You asked for it/);

    const refused = await world.operator.call("POST", `/approvals/${seen.id}/approve`, { comment: "mine" });
    expect(refused.status).toBe(403);
    const denied = await auditEvents(world.admin, { action: "approvals.review", actor: OPERATOR, outcome: "denied" });
    expect(denied).toHaveLength(1);
    expect((await requestView(world.admin, seen.id)).status).toBe("pending");
  });

  it("executes on the approver's approval as the operator, and nginx serves release 1", async () => {
    const [mine] = (await world.operator.call<{ requests: { id: string }[] }>("GET", "/approvals?view=mine")).body
      .requests;
    const approved = await world.approver.call<{ request: { status: string; deploymentId: string | null } }>(
      "POST",
      `/approvals/${mine?.id}/approve`,
      { comment: "go ahead" },
    );
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.request.status).toBe("executed");
    const deploymentId = approved.body.request.deploymentId ?? "";
    const deployment = await waitForDeployment(world.admin, deploymentId);
    expect([deployment.status, deployment.kind, deployment.releaseNumber]).toEqual(["Live", "rollback", 1]);
    expect([deployment.requestedBy, deployment.reason]).toEqual([OPERATOR, "release 2 breaks checkout"]);
    expect((await throughNginx(world)).body).toBe(testAppPage("v1"));
    // The request itself now reads what running it came to.
    expect((await requestView(world.operator, mine?.id ?? "")).deployment).toMatchObject({
      id: deploymentId,
      status: "Live",
      failureReason: null,
    });
    // The audit log tells the story in order: asked, approved, executed, and the rollback itself as
    // the operator's, naming the request and who approved it.
    const story = await auditEvents(world.admin, { target: mine?.id ?? "", outcome: "success" });
    expect(story.reverse().map((e) => [e.action, e.actorEmail])).toEqual([
      ["approvals.request", OPERATOR],
      ["approvals.approve", APPROVER],
      ["approvals.execute", OPERATOR],
    ]);
    const [rollback] = await auditEvents(world.admin, { action: "apps.rollback", actor: OPERATOR });
    expect(rollback?.details).toMatchObject({ releaseNumber: 1, deploymentId, approvedBy: APPROVER });
  });
});

describe("the rules of review", () => {
  it("needs two approvals when the policy says 2: one leaves it pending, the same approver again is refused", async () => {
    const asked = await world.operator.call<GatedAnswer>("POST", `/apps/${APP}/scale`, {
      replicas: 2,
      reason: "the sale starts",
    });
    const id = asked.body.approval?.requestId ?? "";
    expect(asked.body.approval?.message).toMatch(/needs 2 approvals from an approver or admin/);
    const first = await world.approver.call<{ request: { status: string; approvalsCounted: number } }>(
      "POST",
      `/approvals/${id}/approve`,
      {},
    );
    expect(first.body.request).toMatchObject({ status: "pending", approvalsCounted: 1 });
    const twice = await world.approver.call("POST", `/approvals/${id}/approve`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/You already reviewed request #\d+/);
    const second = await world.approver2.call<{ request: { status: string; deploymentId: string } }>(
      "POST",
      `/approvals/${id}/approve`,
      { comment: "second pair of eyes" },
    );
    expect(second.body.request.status, JSON.stringify(second.body)).toBe("executed");
    const scale = await waitForDeployment(world.admin, second.body.request.deploymentId);
    expect([scale.status, scale.kind, scale.replicas, scale.requestedBy]).toEqual(["Live", "scale", 2, OPERATOR]);
  });

  it("ends a request on a denial; cancel is its author's alone", async () => {
    const before = await deploymentCount();
    const denied = await askRollback(world.operator, 2);
    const deny = await world.approver.call<{ request: { status: string; outcome: string } }>(
      "POST",
      `/approvals/${denied.number}/deny`,
      { comment: "not during the sale" },
    );
    expect(deny.body.request).toMatchObject({ status: "denied", outcome: "not during the sale" });
    const late = await world.approver2.call("POST", `/approvals/${denied.requestId}/approve`, {});
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(`Request #${denied.number} was already denied.`);

    const withdrawn = await askRollback(world.operator, 2, "second try");
    const byAdmin = await world.admin.call("POST", `/approvals/${withdrawn.requestId}/cancel`, {});
    expect(byAdmin.status).toBe(403);
    expect(byAdmin.body.message).toMatch(/Only its author \(operator@example.com\) can cancel/);
    const cancelled = await world.operator.call<{ request: { status: string } }>(
      "POST",
      `/approvals/${withdrawn.requestId}/cancel`,
      {},
    );
    expect(cancelled.body.request.status).toBe("cancelled");
    expect(await deploymentCount()).toBe(before);
  });

  it("refuses an expired request and the sweep marks it expired; a stale approval does not count", async () => {
    const expiring = await askRollback(world.operator, 2, "will expire");
    // The shortest expiry a policy allows is 5 minutes: the test moves this request's deadline
    // into the past instead of waiting.
    await sql(world.portal.databaseUrl, `UPDATE "ApprovalRequest" SET "expiresAt" = $1 WHERE id = $2`, [
      pastTime(world.portal.databaseUrl, 1_000),
      expiring.requestId,
    ]);
    const late = await world.approver.call("POST", `/approvals/${expiring.requestId}/approve`, {});
    expect(late.status).toBe(409);
    expect(late.body.message).toMatch(new RegExp(`^Request #${expiring.number} expired at .*: ask again\\.$`));

    // An approval older than the policy's validity (1 h) went stale: likewise moved back, not waited for.
    const scale = await world.operator.call<GatedAnswer>("POST", `/apps/${APP}/scale`, {
      replicas: 1,
      reason: "the sale is over",
    });
    const id = scale.body.approval?.requestId ?? "";
    await world.approver.call("POST", `/approvals/${id}/approve`, {});
    await sql(world.portal.databaseUrl, `UPDATE "ApprovalReview" SET "createdAt" = $1 WHERE "requestId" = $2`, [
      pastTime(world.portal.databaseUrl, 2 * 3_600_000),
      id,
    ]);
    const stale = await requestView(world.admin, id);
    expect([stale.approvalsCounted, stale.reviews.map((r) => r.counts)]).toEqual([0, [false]]);
    const second = await world.approver2.call<{ request: { status: string; approvalsCounted: number } }>(
      "POST",
      `/approvals/${id}/approve`,
      {},
    );
    expect(second.body.request).toMatchObject({ status: "pending", approvalsCounted: 1 });
    expect((await world.operator.call("POST", `/approvals/${id}/cancel`, {})).status).toBe(200);

    // The sweep runs every 30 s.
    const swept = await waitFor(() => requestView(world.operator, expiring.requestId), {
      what: "the expiry sweep to mark the request expired",
      timeoutMs: 45_000,
      intervalMs: 500,
      until: (request) => request.status === "expired",
    });
    expect(swept.deploymentId).toBeNull();
    const expired = await auditEvents(world.admin, { action: "approvals.expire", target: expiring.requestId });
    expect(expired).toHaveLength(1);
  }, 60_000);

  it.each([
    ["env", async () => ({ env: { GREETING: "three" } })],
    // A second host, enrolled without an agent: the binding names the hosts, not their health.
    [
      "hosts",
      async () => ({ hosts: [world.host.id, await enrollHostRow(world.adminSession, world.portal.url, "spare")] }),
    ],
  ] as const)("fails, runs nothing and says why when the app's %s changed after the request", async (field, change) => {
    const pending = await askRollback(world.operator, 2, `${field} will change`);
    const before = await deploymentCount();
    const patched = await world.admin.call("PATCH", `/apps/${APP}`, await change());
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      const approved = await world.approver.call<{ request: { status: string; outcome: string; deploymentId: null } }>(
        "POST",
        `/approvals/${pending.requestId}/approve`,
        {},
      );
      expect(approved.body.request).toMatchObject({
        status: "failed",
        outcome: `The app's settings changed after the request (${field}): ask again.`,
        deploymentId: null,
      });
      expect(await deploymentCount()).toBe(before);
      expect((await throughNginx(world)).body).toBe(testAppPage("v1"));
    } finally {
      // The later cases deploy: back to the one host with an agent.
      if (field === "hosts") await world.admin.call("PATCH", `/apps/${APP}`, { hosts: [world.host.id] });
    }
  });

  it("fails likewise when a newer deployment went Live in between", async () => {
    const pending = await askRollback(world.operator, 2, "a deploy will overtake it");
    const newer = await deployLive(world.admin, APP);
    const before = await deploymentCount();
    const approved = await world.approver.call<{ request: { status: string; outcome: string } }>(
      "POST",
      `/approvals/${pending.requestId}/approve`,
      {},
    );
    expect(approved.body.request).toMatchObject({
      status: "failed",
      outcome: `Another deployment went Live after the request (${newer.id}): ask again.`,
    });
    expect(await deploymentCount()).toBe(before);
    const failed = await auditEvents(world.admin, { action: "approvals.execute", target: pending.requestId });
    expect(failed.map((e) => e.outcome)).toEqual(["failure"]);
  });
  it("fails when its requester may no longer take the action (demoted to viewer meanwhile)", async () => {
    const pending = await askRollback(world.operator, 2, "asked before a demotion");
    const operatorId = (await requestView(world.admin, pending.requestId)).requesterId;
    const setRole = (role: string) => world.adminSession.mutate("users.setRole", { userId: operatorId, role });
    expect((await setRole("viewer")).status).toBe(200);
    try {
      const before = await deploymentCount();
      const approved = await world.approver.call<{ request: { status: string; outcome: string } }>(
        "POST",
        `/approvals/${pending.requestId}/approve`,
        {},
      );
      expect(approved.body.request).toMatchObject({
        status: "failed",
        outcome: `The requester (${OPERATOR}) is now viewer and may no longer take this action.`,
      });
      expect(await deploymentCount()).toBe(before);
    } finally {
      expect((await setRole("operator")).status).toBe(200);
    }
  });
});

describe("maintenance mode through approval", () => {
  it("switches nginx to the maintenance page and back, each once an approver approved", async () => {
    for (const enabled of [true, false]) {
      const asked = await world.operator.call<GatedAnswer>("PUT", `/apps/${APP}/maintenance`, {
        enabled,
        reason: enabled ? "database migration" : "migration done",
      });
      expect((await throughNginx(world)).status).toBe(enabled ? 200 : 503);
      const approved = await world.approver.call<{ request: { status: string; outcome: string | null } }>(
        "POST",
        `/approvals/${asked.body.approval?.requestId}/approve`,
        {},
      );
      // With a real agent nginx takes the switch: executed, and no failure to report.
      expect(approved.body.request).toEqual(expect.objectContaining({ status: "executed", outcome: null }));
      const page = await throughNginx(world);
      expect(page.status).toBe(enabled ? 503 : 200);
      if (enabled) expect(page.body).toMatch(/maintenance/i);
    }
  });
});

describe("/metrics", () => {
  it("counts the requests by action and outcome, and the waits", async () => {
    const text = await (await fetch(`${world.portal.url}/metrics`)).text();
    const requests = (action: string, outcome: string) =>
      metricSample(text, "wheelhouse_approval_requests_total", { action, outcome });
    const waits = (action: string) => metricSample(text, "wheelhouse_approval_wait_seconds_count", { action });
    // Rollbacks: #1 executed, one denied, one cancelled, one expired, four failed (three changed
    // targets, one demoted requester).
    expect({
      requested: requests("apps.rollback", "requested"),
      executed: requests("apps.rollback", "approved-executed"),
      denied: requests("apps.rollback", "denied"),
      cancelled: requests("apps.rollback", "cancelled"),
      expired: requests("apps.rollback", "expired"),
      failed: requests("apps.rollback", "failed"),
      breakGlass: requests("apps.rollback", "break-glass"),
    }).toEqual({ requested: 8, executed: 1, denied: 1, cancelled: 1, expired: 1, failed: 4, breakGlass: 0 });
    expect(waits("apps.rollback")).toBe(8);
    // Scales: one executed after two approvals, one cancelled after its approval went stale.
    expect([requests("apps.scale", "requested"), requests("apps.scale", "approved-executed")]).toEqual([2, 1]);
    expect(requests("apps.scale", "cancelled")).toBe(1);
    expect(waits("apps.scale")).toBe(2);
    expect([requests("apps.maintenance", "requested"), requests("apps.maintenance", "approved-executed")]).toEqual([
      2, 2,
    ]);
  });
});
