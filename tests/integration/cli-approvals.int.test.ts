// The `wheelhouse` CLI and approvals (issue 14) end to end: the real CLI binary against a real
// portal, agent, Docker engine and nginx. An operator's rollback of a production app exits 3 with
// the request; `approvals list --json` shows it; the operator may not approve it; an approver's own
// request is refused as self-review; another approver's `approve` runs the rollback and nginx
// serves the old release; a denial needs a comment; break-glass; restart and scale when not gated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { approvalPendingSchema, approvalRequestSchema, deploymentSchema } from "@wheelhouse/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ADMIN, setUpAdmin } from "../support/api-client.ts";
import { runCli } from "../support/cli.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, testAppImage, testAppPage } from "../support/docker.ts";
import { requestWithHost } from "../support/nginx.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { waitFor } from "../support/wait-for.ts";

let portal: Portal;
let host: TestHost;
let home: string;

/** Each person has their own config home, so each runs the CLI with their own stored key. */
type Person = "admin" | "operator" | "approver" | "approver2";
const PEOPLE: Record<Exclude<Person, "admin">, { email: string; role: string }> = {
  operator: { email: "olga@example.com", role: "operator" },
  approver: { email: "alice@example.com", role: "approver" },
  approver2: { email: "bruno@example.com", role: "approver" },
};
const PASSWORD = "member-password-12";

function cli(person: Person, args: string[]) {
  return runCli(home, args, { XDG_CONFIG_HOME: join(home, person) });
}

async function logIn(person: Person, email: string, password: string): Promise<void> {
  const result = await cli(person, ["login", "--url", portal.url, "--email", email, "--password", password]);
  if (result.code !== 0) throw new Error(`${email} could not log in: ${result.stderr}`);
}

async function served(): Promise<string> {
  return (await requestWithHost(host.nginxPort, "ledger.test")).body;
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await Promise.all((["v1", "v2"] as const).map(ensureTestAppImage));
  home = mkdtempSync(join(tmpdir(), "wheelhouse-cli-approvals-"));
  portal = await startPortal();
  const admin = await setUpAdmin(portal.url);
  host = await enrolHostWithNginx(admin, portal.url, "approvals-host");
  await logIn("admin", ADMIN.email, ADMIN.password);
  for (const [person, { email, role }] of Object.entries(PEOPLE)) {
    const created = await cli("admin", ["users", "create", email, "--role", role, "--password", PASSWORD]);
    if (created.code !== 0) throw new Error(`could not create ${email}: ${created.stderr}`);
    await logIn(person as Person, email, PASSWORD);
  }
  // A production app with two releases; deploys are not gated by the default policy, rollbacks are.
  const steps = [
    [
      "apps",
      "create",
      "ledger",
      "--image",
      testAppImage("v1"),
      "--pull-policy",
      "never",
      "--port",
      "8080",
      "--environment",
      "production",
      "--domain",
      "ledger.test",
    ],
    ["deploy", "ledger", "--wait"],
    ["deploy", "ledger", "--image", testAppImage("v2"), "--wait"],
  ];
  for (const step of steps) {
    const result = await cli("admin", step);
    if (result.code !== 0) throw new Error(`wheelhouse ${step.join(" ")} failed: ${result.stderr}`);
  }
}, 240_000);

afterAll(async () => {
  await host?.tearDown();
  await removeAppContainers();
  await portal?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("wheelhouse and approvals against a real portal", () => {
  let requestId = "";
  let number = 0;

  it("an operator's production rollback does not run: exit 3, the request on stdout", async () => {
    expect(await served()).toBe(testAppPage("v2"));
    const result = await cli("operator", [
      "rollback",
      "ledger",
      "--to",
      "1",
      "--reason",
      "v2 breaks checkout",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(3);
    const pending = approvalPendingSchema.parse(JSON.parse(result.stdout));
    expect(pending.status).toBe("pending");
    expect(pending.message).toMatch(/ledger in production needs 1 approval/);
    ({ requestId, number } = pending);
    // Nothing ran: v2 still serves.
    expect(await served()).toBe(testAppPage("v2"));

    const human = await cli("operator", ["rollback", "ledger", "--to", "1", "--reason", "again"]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(new RegExp(`^wheelhouse: Request #${number} .* is already waiting for approval`));
  });

  it("approvals list --json shows the request as waiting for the approvers, not for its author", async () => {
    const all = await cli("operator", ["approvals", "list", "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const requests = z.array(approvalRequestSchema).parse(JSON.parse(all.stdout));
    const mine = requests.find((request) => request.id === requestId);
    expect(mine).toMatchObject({ number, appName: "ledger", status: "pending", requesterEmail: PEOPLE.operator.email });
    expect(mine?.params).toMatchObject({ action: "apps.rollback", releaseNumber: 1 });

    const waiting = await cli("approver", ["approvals", "list", "--view", "waiting", "--json"]);
    expect(
      z
        .array(approvalRequestSchema)
        .parse(JSON.parse(waiting.stdout))
        .map((request) => request.id),
    ).toEqual([requestId]);
    const table = await cli("approver", ["approvals", "list"]);
    expect(table.stdout).toMatch(
      new RegExp(`^#${number}\\s+pending\\s+ledger\\s+production\\s+Roll back to release 1`, "m"),
    );
  });

  it("the operator may not approve it: exit 1 with the portal's reason", async () => {
    const result = await cli("operator", ["approve", String(number)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: Your role (operator) cannot do this; it needs approver.\n");
  });

  it("deny without a comment is a usage error (exit 2), and the request still waits", async () => {
    const result = await cli("approver", ["deny", String(number)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Say why you deny it/);
    const shown = await cli("approver", ["approvals", "show", `#${number}`, "--json"]);
    expect(approvalRequestSchema.parse(JSON.parse(shown.stdout)).status).toBe("pending");
  });

  it("an approver's approve runs the rollback at once (exit 0) and nginx serves release 1 again", async () => {
    const result = await cli("approver", ["approve", String(number), "--comment", "v1 is the last good one"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Approved request #${number} .*: it executed\\. Deployment \\S+;`));
    const shown = await cli("operator", ["approvals", "show", String(number), "--json"]);
    const request = approvalRequestSchema.parse(JSON.parse(shown.stdout));
    expect(request).toMatchObject({ status: "executed", approvalsCounted: 1 });
    expect(request.deploymentId).not.toBeNull();
    expect(request.reviews.map((review) => [review.reviewerEmail, review.decision])).toEqual([
      [PEOPLE.approver.email, "approve"],
    ]);
    await waitFor(served, {
      what: "nginx to serve release 1 of ledger after the approved rollback",
      timeoutMs: 60_000,
      intervalMs: 250,
      until: (body) => body === testAppPage("v1"),
    });
  });

  it("a review of an ended request, and a review of one's own request, exit 1 with the reason", async () => {
    const again = await cli("approver2", ["approve", String(number)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`wheelhouse: Request #${number} was already approved and executed.\n`);

    // Approvers are operators too: one may ask, and may not approve their own request.
    const asked = await cli("approver", ["rollback", "ledger", "--to", "2", "--reason", "back to v2", "--json"]);
    expect(asked.code, asked.stderr).toBe(3);
    const own = approvalPendingSchema.parse(JSON.parse(asked.stdout));
    const selfReview = await cli("approver", ["approve", String(own.number)]);
    expect(selfReview.code).toBe(1);
    expect(selfReview.stderr).toBe("wheelhouse: You asked for it: someone else must review it.\n");

    const denied = await cli("approver2", ["deny", String(own.number), "--comment", "stay on v1", "--json"]);
    expect(denied.code, denied.stderr).toBe(0);
    expect(approvalRequestSchema.parse(JSON.parse(denied.stdout))).toMatchObject({
      status: "denied",
      outcome: "stay on v1",
    });
    expect(await served()).toBe(testAppPage("v1"));
  });

  it("break-glass: without --reason nothing is sent (exit 2); an operator is refused (exit 1); an admin runs it", async () => {
    const usage = await cli("admin", ["rollback", "ledger", "--to", "2", "--break-glass"]);
    expect(usage.code).toBe(2);
    const refused = await cli("operator", ["rollback", "ledger", "--to", "2", "--break-glass", "--reason", "now"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("wheelhouse: Your role (operator) cannot do this; it needs admin.\n");
    const ran = await cli("admin", [
      "rollback",
      "ledger",
      "--to",
      "2",
      "--break-glass",
      "--reason",
      "site down",
      "--wait",
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    expect(await served()).toBe(testAppPage("v2"));
    const listed = await cli("admin", ["approvals", "list", "--status", "executed", "--json"]);
    const flagged = z
      .array(approvalRequestSchema)
      .parse(JSON.parse(listed.stdout))
      .filter((request) => request.breakGlass);
    expect(flagged.map((request) => [request.reason, request.requesterEmail])).toEqual([["site down", ADMIN.email]]);
  });

  it("restart and scale, not gated by the default policy, run and follow the deployment to Live", async () => {
    const restarted = await cli("operator", ["restart", "ledger", "--wait"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/^ledger release \d+ \(.*\) is live in /);
    const scaled = await cli("operator", ["scale", "ledger", "--replicas", "2", "--wait", "--json"]);
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(deploymentSchema.parse(JSON.parse(scaled.stdout))).toMatchObject({
      kind: "scale",
      status: "Live",
      replicas: 2,
    });
    expect(await served()).toBe(testAppPage("v2"));
  });
});
