// The approvals API against a real portal, without Docker (issue 14): policies read and saved with
// their audit, the gate's answers and refusals, reviews enforced on the server (self-review, role,
// double review, denial, expiry, changed target), cancel by the author only, break-glass, the
// expiry sweep, the list views and the metrics. The host has no agent, so the maintenance switch a
// request runs is stored and its nginx push fails: what an approval executes is still recorded.
// F's Docker tests (approvals-*.int.test.ts) run rollbacks for real.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";

interface Pending {
  requestId: string;
  number: number;
  status: string;
  message: string;
}
interface RequestView {
  id: string;
  number: number;
  status: string;
  outcome: string | null;
  breakGlass: boolean;
  approvalsCounted: number;
  reviews: { reviewerEmail: string; decision: string; counts: boolean }[];
  you: { canReview: boolean; cannotReviewBecause: string | null; canCancel: boolean };
}

let portal: Portal;
let admin: ApiClient;
let operator: ApiClient;
let approver: ApiClient;
let approver2: ApiClient;
let hostId: string;
let counter = 0;
const receiver = new WebhookReceiver();

const POLICY = {
  environment: "production",
  approvals: 1,
  reviewerRoles: ["approver", "admin"],
  requestExpirySeconds: 86_400,
  approvalValiditySeconds: 3_600,
};
const POLICIES = [
  { ...POLICY, action: "apps.rollback" },
  { ...POLICY, action: "apps.maintenance" },
  { ...POLICY, action: "apps.scale", approvals: 2 },
  { ...POLICY, action: "apps.deploy", approvals: 2 },
];

async function member(email: string, role: string): Promise<ApiClient> {
  const created = await admin.mutate("users.create", { email, name: email, password: "member-password-12", role });
  if (created.status !== 200) throw new Error(`could not create ${email}: ${JSON.stringify(created.error)}`);
  const client = new ApiClient(portal.url);
  if ((await client.signIn(email, "member-password-12")).status !== 200) throw new Error(`could not sign in ${email}`);
  return client;
}

async function productionApp(): Promise<string> {
  const name = `prod-${++counter}`;
  const created = await admin.mutate("apps.create", {
    name,
    environment: "production",
    image: "registry.example.com/team/app:1",
    pullPolicy: "never",
    port: 8080,
    hosts: [hostId],
  });
  if (created.status !== 200) throw new Error(`could not create ${name}: ${JSON.stringify(created.error)}`);
  return name;
}

async function askMaintenance(client: ApiClient, name: string): Promise<Pending> {
  const asked = await client.mutate<{ approval?: Pending }>("apps.maintenance", {
    name,
    enabled: true,
    reason: "the database migration needs a quiet hour",
  });
  expect(asked.status, JSON.stringify(asked.error)).toBe(200);
  if (!asked.data?.approval) throw new Error("no approval request was opened");
  return asked.data.approval;
}

async function auditRows(action: string): Promise<{ outcome: string; actorEmail: string | null; details: string }[]> {
  return sql(
    portal.databaseUrl,
    `SELECT outcome, "actorEmail", details FROM "AuditEvent" WHERE action = $1 ORDER BY id`,
    [action],
  );
}

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  operator = await member("operator@example.com", "operator");
  approver = await member("approver@example.com", "approver");
  approver2 = await member("approver2@example.com", "approver");
  hostId = await enrollHostRow(admin, portal.url, "approvals-host");
  await receiver.start();
  const hook = await admin.mutate<{ secret: string }>("webhooks.create", {
    name: "approvals",
    url: receiver.url,
    events: ["approval.requested", "approval.decided", "approval.break-glass"],
  });
  if (!hook.data) throw new Error(`could not add the webhook: ${JSON.stringify(hook.error)}`);
  receiver.setSecret(hook.data.secret);
});
afterAll(async () => {
  await portal?.stop();
  await receiver.stop();
});

describe("approval policies", () => {
  it("reads the defaults until an admin saves, and audits the change with before and after", async () => {
    const first = await operator.query<{ defaults: boolean; policies: { action: string }[] }>("approvals.policies");
    expect(first.data).toMatchObject({ defaults: true, policies: [{ action: "apps.rollback" }] });

    const refused = await approver.mutate("approvals.savePolicies", { policies: POLICIES });
    expect(refused.status).toBe(403);
    expect((await auditRows("approvals.policies.manage")).at(-1)).toMatchObject({ outcome: "denied" });

    const saved = await admin.mutate("approvals.savePolicies", { policies: POLICIES });
    expect(saved.status, JSON.stringify(saved.error)).toBe(200);
    const read = await operator.query<{ defaults: boolean; policies: unknown[] }>("approvals.policies");
    expect(read.data?.defaults).toBe(false);
    expect(read.data?.policies).toHaveLength(4);
    const [event] = await auditRows("approvals.policies.update");
    const details = JSON.parse(event?.details ?? "{}") as { before: unknown[]; after: unknown[] };
    expect(details.before).toHaveLength(1);
    expect(details.after).toHaveLength(4);
  });

  it("refuses two policies for the same action and environment", async () => {
    const twice = await admin.mutate("approvals.savePolicies", { policies: [POLICIES[0], POLICIES[0]] });
    expect(twice.status).toBe(400);
    expect(twice.error?.message).toMatch(/Two policies for apps.rollback in production/);
  });
});

describe("requests and reviews", () => {
  it("needs a reason, opens one request, and refuses a second while it waits", async () => {
    const name = await productionApp();
    const requirement = await operator.query<{ required: boolean; pending: unknown }>("approvals.requirement", {
      app: name,
      action: "apps.maintenance",
    });
    expect(requirement.data).toMatchObject({ required: true, pending: null });

    const noReason = await operator.mutate("apps.maintenance", { name, enabled: true });
    expect(noReason.status).toBe(400);
    expect(noReason.error?.message).toMatch(
      new RegExp(`Turning maintenance mode on for ${name} in production needs approval: say why \\(reason\\)`),
    );

    const pending = await askMaintenance(operator, name);
    expect(pending.message).toBe(
      `Turning maintenance mode on for ${name} in production needs 1 approval from an approver or admin: request #${pending.number} is waiting.`,
    );
    const again = await operator.mutate("apps.maintenance", { name, enabled: true, reason: "again" });
    expect(again.status).toBe(409);
    expect(again.error?.message).toMatch(new RegExp(`Request #${pending.number} .* is already waiting for approval`));
    // Nothing ran: the app is not in maintenance.
    const app = await operator.query<{ app: { maintenance: boolean } }>("apps.get", { name });
    expect(app.data?.app.maintenance).toBe(false);
  });

  it("refuses a rollback to a release that does not exist before any request is made", async () => {
    const name = await productionApp();
    const before = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "ApprovalRequest"`);
    const rollback = await operator.mutate("apps.rollback", { name, releaseNumber: 7, reason: "bad release" });
    expect(rollback.status).toBe(404);
    const after = await sql<{ n: number }>(portal.databaseUrl, `SELECT COUNT(*) AS n FROM "ApprovalRequest"`);
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it("refuses self-review and a role below approver, audits both, then executes on an approver's approval", async () => {
    const name = await productionApp();
    const pending = await askMaintenance(approver, name);

    const self = await approver.mutate("approvals.approve", { id: String(pending.number) });
    expect(self.status).toBe(403);
    expect(self.error?.message).toBe("You asked for it: someone else must review it.");
    expect((await auditRows("approvals.approve")).at(-1)).toMatchObject({
      outcome: "denied",
      actorEmail: "approver@example.com",
    });

    const byOperator = await operator.mutate("approvals.approve", { id: pending.requestId });
    expect(byOperator.status).toBe(403);
    expect((await auditRows("approvals.review")).at(-1)).toMatchObject({
      outcome: "denied",
      actorEmail: "operator@example.com",
    });

    const seen = await approver2.query<{ request: RequestView }>("approvals.get", { id: `#${pending.number}` });
    expect(seen.data?.request.you).toEqual({ canReview: true, cannotReviewBecause: null, canCancel: false });
    const mine = await approver.query<{ request: RequestView }>("approvals.get", { id: pending.requestId });
    expect(mine.data?.request.you).toMatchObject({ canReview: false, canCancel: true });
    expect(mine.data?.request.you.cannotReviewBecause).toMatch(/You asked for it/);

    const approved = await approver2.mutate<{ request: RequestView }>("approvals.approve", {
      id: pending.requestId,
      comment: "go",
    });
    expect(approved.status, JSON.stringify(approved.error)).toBe(200);
    // Executed as the requester: the switch is stored; the host has no agent, which the outcome says.
    expect(approved.data?.request).toMatchObject({ status: "executed", approvalsCounted: 1 });
    expect(approved.data?.request.outcome).toMatch(/nginx did not take it/);
    const app = await operator.query<{ app: { maintenance: boolean } }>("apps.get", { name });
    expect(app.data?.app.maintenance).toBe(true);
    expect((await auditRows("apps.maintenance.on")).at(-1)).toMatchObject({ actorEmail: "approver@example.com" });
    expect((await auditRows("approvals.execute")).at(-1)).toMatchObject({ outcome: "success" });

    const late = await admin.mutate("approvals.approve", { id: pending.requestId });
    expect(late.status).toBe(409);
    expect(late.error?.message).toBe(`Request #${pending.number} was already approved and executed.`);
  });

  it("refuses first what the action itself would refuse: scaling with nothing live", async () => {
    const name = await productionApp();
    const scale = await operator.mutate("apps.scale", { name, replicas: 3, reason: "load" });
    expect(scale.status).toBe(409);
    expect(scale.error?.message).toMatch(/has no live release to scale/);
  });

  it("counts two approvers for a threshold of 2, refuses a double review, then deploys as the requester", async () => {
    const name = await productionApp();
    const asked = await operator.mutate<{ approval?: Pending; deployment?: unknown }>("apps.deploy", {
      name,
      reason: "ship the fix",
    });
    expect(asked.data?.deployment).toBeUndefined();
    const id = asked.data?.approval?.requestId ?? "";
    expect(asked.data?.approval?.message).toMatch(/needs 2 approvals from an approver or admin/);
    const first = await approver.mutate<{ request: RequestView }>("approvals.approve", { id });
    expect(first.data?.request).toMatchObject({ status: "pending", approvalsCounted: 1 });
    const twice = await approver.mutate("approvals.approve", { id });
    expect(twice.status).toBe(409);
    expect(twice.error?.message).toMatch(/^You already reviewed request #\d+\.$/);
    const second = await approver2.mutate<{ request: RequestView & { deploymentId: string | null } }>(
      "approvals.approve",
      { id },
    );
    expect(second.data?.request).toMatchObject({ status: "executed", approvalsCounted: 2 });
    const deploymentId = second.data?.request.deploymentId ?? "";
    const rows = await sql<{ requestedByEmail: string }>(
      portal.databaseUrl,
      `SELECT "requestedByEmail" FROM "Deployment" WHERE id = $1`,
      [deploymentId],
    );
    expect(rows[0]?.requestedByEmail).toBe("operator@example.com");
  });

  it("ends a request on a denial, whose comment the requester reads", async () => {
    const name = await productionApp();
    const pending = await askMaintenance(operator, name);
    const noComment = await approver.mutate("approvals.deny", { id: pending.requestId, comment: " " });
    expect(noComment.status).toBe(400);
    const denied = await approver.mutate<{ request: RequestView }>("approvals.deny", {
      id: pending.requestId,
      comment: "not during the sale",
    });
    expect(denied.data?.request).toMatchObject({ status: "denied", outcome: "not during the sale" });
    const twice = await approver.mutate("approvals.deny", { id: pending.requestId, comment: "again" });
    expect(twice.status).toBe(409);
    const other = await approver2.mutate("approvals.approve", { id: pending.requestId });
    expect(other.error?.message).toBe(`Request #${pending.number} was already denied.`);
  });

  it("fails, saying what changed, when the app's settings changed after the request", async () => {
    const name = await productionApp();
    const pending = await askMaintenance(operator, name);
    expect((await admin.mutate("apps.update", { name, replicas: 2 })).status).toBe(200);
    const approved = await approver.mutate<{ request: RequestView }>("approvals.approve", { id: pending.requestId });
    expect(approved.status).toBe(200);
    expect(approved.data?.request.status).toBe("failed");
    expect(approved.data?.request.outcome).toBe("The app's settings changed after the request (replicas): ask again.");
    const app = await operator.query<{ app: { maintenance: boolean } }>("apps.get", { name });
    expect(app.data?.app.maintenance).toBe(false);
    expect((await auditRows("approvals.execute")).at(-1)).toMatchObject({ outcome: "failure" });
  });

  it("lets only the author cancel, and only while it waits", async () => {
    const name = await productionApp();
    const pending = await askMaintenance(operator, name);
    const byOther = await admin.mutate("approvals.cancel", { id: pending.requestId });
    expect(byOther.status).toBe(403);
    expect(byOther.error?.message).toBe(
      `Only its author (operator@example.com) can cancel request #${pending.number}.`,
    );
    const cancelled = await operator.mutate<{ request: RequestView }>("approvals.cancel", { id: pending.requestId });
    expect(cancelled.data?.request.status).toBe("cancelled");
    const again = await operator.mutate("approvals.cancel", { id: pending.requestId });
    expect(again.status).toBe(409);
    expect(again.error?.message).toBe(`Request #${pending.number} was already cancelled by its author.`);
  });

  it("refuses an expired request at review time, and the sweep marks it expired", async () => {
    const name = await productionApp();
    const pending = await askMaintenance(operator, name);
    await sql(portal.databaseUrl, `UPDATE "ApprovalRequest" SET "expiresAt" = $1 WHERE id = $2`, [
      portal.databaseUrl.startsWith("file:") ? Date.now() - 1_000 : new Date(Date.now() - 1_000),
      pending.requestId,
    ]);
    const late = await approver.mutate("approvals.approve", { id: pending.requestId });
    expect(late.status).toBe(409);
    expect(late.error?.message).toMatch(new RegExp(`^Request #${pending.number} expired at .*: ask again\\.$`));
    const expired = await waitFor(
      () => operator.query<{ request: RequestView }>("approvals.get", { id: pending.requestId }),
      {
        what: "the expiry sweep to mark the request expired",
        timeoutMs: 45_000,
        intervalMs: 1_000,
        until: (result) => result.data?.request.status === "expired",
      },
    );
    expect(expired.data?.request.status).toBe("expired");
    expect((await auditRows("approvals.expire")).at(-1)).toMatchObject({ actorEmail: "approval expiry" });
  }, 60_000);
});

describe("break-glass, lists and metrics", () => {
  it("needs an admin and a reason, runs at once and records a flagged request", async () => {
    const name = await productionApp();
    const byOperator = await operator.mutate("apps.maintenance", {
      name,
      enabled: true,
      breakGlass: true,
      reason: "x",
    });
    expect(byOperator.status).toBe(403);
    expect((await auditRows("approvals.break-glass")).at(-1)).toMatchObject({ outcome: "denied" });
    const noReason = await admin.mutate("apps.maintenance", { name, enabled: true, breakGlass: true });
    expect(noReason.status).toBe(400);
    expect(noReason.error?.message).toMatch(/Break-glass needs a reason/);

    // The host has no agent: stored, and the nginx push's failure is the answer (as without approvals).
    const ran = await admin.mutate("apps.maintenance", { name, enabled: true, breakGlass: true, reason: "outage" });
    expect(ran.status).toBe(503);
    const list = await admin.query<{ requests: RequestView[] }>("approvals.list", { app: name });
    expect(list.data?.requests).toHaveLength(1);
    expect(list.data?.requests[0]).toMatchObject({ breakGlass: true, status: "executed" });
    expect(list.data?.requests[0]?.you.canReview).toBe(false);
    expect((await auditRows("approvals.break-glass")).at(-1)).toMatchObject({ outcome: "success" });
  });

  it("lists what waits for me, mine and all, newest first with a cursor", async () => {
    const a = await askMaintenance(operator, await productionApp());
    const b = await askMaintenance(operator, await productionApp());
    const waiting = await approver.query<{ requests: RequestView[]; nextCursor: number | null }>("approvals.list", {
      view: "waiting",
      limit: 1,
    });
    expect(waiting.data?.requests.map((r) => r.number)).toEqual([b.number]);
    expect(waiting.data?.nextCursor).toBe(b.number);
    const next = await approver.query<{ requests: RequestView[] }>("approvals.list", {
      view: "waiting",
      limit: 1,
      cursor: waiting.data?.nextCursor,
    });
    expect(next.data?.requests.map((r) => r.number)).toEqual([a.number]);
    // The operator cannot review anything: nothing waits for them, though their own are there.
    const operatorWaiting = await operator.query<{ requests: RequestView[] }>("approvals.list", { view: "waiting" });
    expect(operatorWaiting.data?.requests).toEqual([]);
    // The operator's open ones: these two, and the first test's, still waiting.
    const mine = await operator.query<{ requests: (RequestView & { requesterEmail: string })[] }>("approvals.list", {
      view: "mine",
      status: "open",
    });
    expect(mine.data?.requests.map((r) => r.number).slice(0, 2)).toEqual([b.number, a.number]);
    expect(
      mine.data?.requests.every((r) => r.status === "pending" && r.requesterEmail === "operator@example.com"),
    ).toBe(true);
    const mineOfApprover = await approver.query<{ requests: RequestView[] }>("approvals.list", { view: "mine" });
    expect(mineOfApprover.data?.requests.map((r) => r.status)).toEqual(["executed"]);
  });

  it("told the team's webhook of every request, decision and break-glass, signed", async () => {
    const seen = await waitFor(() => receiver.unique(), {
      what: "the approval notifications to arrive",
      timeoutMs: 20_000,
      until: (byId) => [...byId.values()].filter((d) => d.event === "approval.break-glass").length === 1,
    });
    const deliveries = [...seen.values()];
    expect(deliveries.every((d) => d.verified === true)).toBe(true);
    const outcomes = receiver.ofEvent("approval.decided").map((d) => (d.json.data as { outcome: string }).outcome);
    for (const outcome of ["approved-executed", "denied", "failed", "cancelled", "expired"]) {
      expect(outcomes).toContain(outcome);
    }
    const [glass] = receiver.ofEvent("approval.break-glass");
    expect(glass?.json.summary).toMatch(
      /^Break-glass: admin@example\.com ran "Turn maintenance mode on on approvals-host" on prod-\d+ \(production\) without approval\. Reason: "outage"\. The reviewers it skipped \(an approver or admin\) are told/,
    );
    expect(receiver.ofEvent("approval.requested").length).toBeGreaterThanOrEqual(7);
  });

  it("counts requests by action and outcome", async () => {
    const metrics = await (await fetch(`${portal.url}/metrics`)).text();
    const count = (outcome: string) =>
      Number(
        new RegExp(
          `wheelhouse_approval_requests_total\\{action="apps.maintenance",outcome="${outcome}"\\} (\\d+)`,
        ).exec(metrics)?.[1],
      );
    expect(count("requested")).toBeGreaterThanOrEqual(7);
    expect(count("approved-executed")).toBe(1);
    expect(count("denied")).toBe(1);
    expect(count("failed")).toBe(1);
    expect(count("cancelled")).toBe(1);
    expect(count("expired")).toBe(1);
    expect(count("break-glass")).toBe(1);
    expect(metrics).toMatch(/wheelhouse_approval_wait_seconds_count\{action="apps.maintenance"\} 5/);
  });
});
