// Contract test of approvals in the CLI (issue 14), in-process against the stand-in portal: gated
// commands exit 3 with the request (and --json shapes the shared schema parses), --break-glass,
// `approvals list|show|cancel`, `approve` and `deny` with every exit code, and usage errors that send
// nothing. The real portal is exercised by tests/integration/cli-approvals.int.test.ts.
import { approvalPendingSchema, approvalRequestSchema, deploymentSchema } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EXIT } from "../errors";
import { runCli } from "../program";
import { inProcessCli } from "./in-process-cli";
import { CANNED_APPROVALS, SHOP_PENDING } from "./stand-in-approvals";

const cli = inProcessCli("approvals");
const run = cli.run;

function sent() {
  return cli.portal().requests.map((request) => `${request.method} ${request.path}`);
}

describe("gated commands", () => {
  it("rollback that waits for approval prints the request on stdout, nothing on stderr, and exits 3", async () => {
    const result = await run(["rollback", "shop", "--to", "3", "--reason", "checkout errors"]);
    expect(result.code).toBe(EXIT.needsApproval);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe(
      `Request #9 waits for approval: ${SHOP_PENDING.message}\nIt runs when approved. See it with: wheelhouse approvals show 9\n`,
    );
    expect(result.stderr).toBe("");
    expect(cli.portal().requests.map((request) => [request.path, request.body])).toEqual([
      ["/api/v1/apps/shop/rollback", { releaseNumber: 3, reason: "checkout errors" }],
    ]);
  });

  it("--json prints exactly { requestId, number, status, message } and exits 3", async () => {
    const result = await run(["rollback", "shop", "--to", "3", "--reason", "checkout errors", "--json"]);
    expect(result.code).toBe(3);
    expect(approvalPendingSchema.strict().parse(JSON.parse(result.stdout))).toEqual(SHOP_PENDING);
    expect(result.stderr).toBe("");
  });

  it("--wait does not wait for a person: says so on stderr, polls nothing and exits 3", async () => {
    const result = await run(["rollback", "shop", "--to", "3", "--reason", "checkout errors", "--wait", "--json"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^--wait does not wait for approval: nothing runs until request #9 is approved/);
    expect(JSON.parse(result.stdout)).toMatchObject({ requestId: "apr_9", status: "pending" });
    expect(sent()).toEqual(["POST /api/v1/apps/shop/rollback"]);
  });

  it("deploy and maintenance wait the same way (exit 3), with the reason sent", async () => {
    const deploy = await run(["deploy", "shop", "--reason", "hotfix"]);
    expect(deploy.code).toBe(3);
    expect(deploy.stdout).toMatch(/^Request #9 waits for approval: /);
    const maintenance = await run(["maintenance", "shop", "on", "--reason", "database migration", "--json"]);
    expect(maintenance.code).toBe(3);
    expect(approvalPendingSchema.parse(JSON.parse(maintenance.stdout)).number).toBe(9);
    expect(cli.portal().requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ["POST", "/api/v1/apps/shop/deployments", { reason: "hotfix" }],
      ["PUT", "/api/v1/apps/shop/maintenance", { enabled: true, reason: "database migration" }],
    ]);
  });

  it("restart and scale wait the same way (exit 3); scale checks --replicas before sending", async () => {
    const restart = await run(["restart", "shop", "--reason", "memory leak", "--wait"]);
    expect(restart.code).toBe(3);
    expect(restart.stdout).toMatch(/^Request #9 waits for approval: /);
    const scale = await run(["scale", "shop", "--replicas", "3", "--reason", "sale traffic", "--json"]);
    expect(scale.code).toBe(3);
    expect(approvalPendingSchema.parse(JSON.parse(scale.stdout)).requestId).toBe("apr_9");
    expect(cli.portal().requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ["POST", "/api/v1/apps/shop/restart", { reason: "memory leak" }],
      ["POST", "/api/v1/apps/shop/scale", { replicas: 3, reason: "sale traffic" }],
    ]);
    const bad = await run(["scale", "shop", "--replicas", "0", "--reason", "x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^wheelhouse: --replicas: /);
    expect(cli.portal().requests).toHaveLength(2);
    const glass = await run(["scale", "shop", "--replicas", "2", "--break-glass", "--reason", "site down", "--json"]);
    expect(glass.code, glass.stderr).toBe(0);
    expect(deploymentSchema.parse(JSON.parse(glass.stdout)).kind).toBe("scale");
  });

  it("without --reason the portal's sentence says a reason is needed (exit 1)", async () => {
    const result = await run(["rollback", "shop", "--to", "3"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wheelhouse: Rolling back shop in production needs approval: say why \(reason\)/);
    expect(result.stdout).toBe("");
  });

  it.each([
    [["rollback", "shop", "--to", "3", "--break-glass"]],
    [["rollback", "shop", "--to", "3", "--break-glass", "--reason", "   "]],
    [["deploy", "shop", "--break-glass"]],
    [["maintenance", "shop", "off", "--break-glass"]],
    [["restart", "shop", "--break-glass"]],
    [["scale", "shop", "--replicas", "2", "--break-glass"]],
  ])("%j: --break-glass without --reason is a usage error (exit 2) and sends nothing", async (argv) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wheelhouse: --break-glass needs --reason TEXT: say why this cannot wait/);
    expect(cli.portal().requests).toHaveLength(0);
  });

  it("--break-glass --reason runs it at once (exit 0) and sends breakGlass: true", async () => {
    const result = await run(["rollback", "shop", "--to", "3", "--break-glass", "--reason", "site down"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Rolling back to release 3 of shop \(.*\): deployment dep_99 is Queued/);
    expect(result.stderr).toMatch(/^Ran with break-glass: /);
    expect(cli.portal().requests[0]?.body).toEqual({ releaseNumber: 3, reason: "site down", breakGlass: true });
    const json = await run(["deploy", "shop", "--break-glass", "--reason", "site down", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(deploymentSchema.parse(JSON.parse(json.stdout)).id).toBe("dep_99");
  });

  it("--break-glass refused by the portal (not an admin) prints its sentence and exits 1", async () => {
    const result = await run(["rollback", "vault", "--to", "3", "--break-glass", "--reason", "site down"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: Your role (operator) cannot do this; it needs admin.\n");
    expect(result.stdout).toBe("");
  });

  it("a command that is not gated still runs as before (billing-api rollback: exit 0)", async () => {
    const result = await run(["rollback", "billing-api", "--to", "2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/deployment dep_\d+ is Queued/);
  });

  it("3 for 'not logged in' writes only to stderr; 3 for approval carries requestId on stdout", async () => {
    let stdout = "";
    let stderr = "";
    const code = await runCli({
      argv: ["rollback", "shop", "--to", "3", "--reason", "x", "--json"],
      env: { XDG_CONFIG_HOME: cli.home(), WHEELHOUSE_URL: cli.portal().url },
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      hostname: "test-box",
    });
    expect(code).toBe(EXIT.notLoggedIn);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Not logged in/);
  });
});

describe("wheelhouse approvals list", () => {
  it("asks for open requests of every view by default and prints one row each", async () => {
    const result = await run(["approvals", "list"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/approvals?view=all&status=open&limit=200"]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^#\s+STATUS\s+APP\s+ENV\s+SUMMARY\s+REQUESTER\s+APPROVALS\s+EXPIRES$/);
    expect(lines).toHaveLength(6);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^#4\s+pending\s+shop\s+production\s+Roll back to release 3 on web-1, 1 per host\s+olga@example.com\s+0\/1\s+in 23 h$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^#5\s+pending\s+billing-api\s.*\s0\/2\s+in 23 h$/));
  });

  it("--view, --status and --app go to the portal; --json prints the requests the shared schema parses", async () => {
    const result = await run(["approvals", "list", "--view", "all", "--status", "all", "--app", "shop", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/approvals?view=all&status=all&app=shop&limit=200"]);
    const printed = z.array(approvalRequestSchema).parse(JSON.parse(result.stdout));
    expect(printed.map((request) => request.number)).toEqual([6, 4, 3]);
    expect(printed).toEqual(CANNED_APPROVALS.filter((request) => request.appName === "shop"));
  });

  it("says so when the view is empty", async () => {
    const result = await run(["approvals", "list", "--view", "mine", "--status", "executed"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No executed approval requests in this view \(mine\)\./);
  });

  it.each([
    [["approvals", "list", "--view", "others"], /--view is one of: waiting, mine, all\./],
    [["approvals", "list", "--status", "closed"], /--status is one of: open, finished, all, pending/],
    [["approvals", "list", "--app", "Not An App"], /^wheelhouse: --app: /],
  ])("%j is a usage error (exit 2) that sends nothing", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(cli.portal().requests).toHaveLength(0);
  });
});

describe("wheelhouse approvals show", () => {
  it("prints what it runs, why, its status, the reviews and the deployment", async () => {
    const result = await run(["approvals", "show", "3"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/approvals/3"]);
    const out = result.stdout;
    expect(out).toMatch(/^#3 Roll back to release 3 on web-1, 1 per host: shop in production\n/);
    expect(out).toContain("Status executed · approvals 1/1 from approver or admin\n");
    expect(out).toContain(
      "Asked by olga@example.com 1 h ago (2026-11-22 09:00:00 UTC): checkout errors since release 4",
    );
    expect(out).toContain("Deployment dep_70");
    expect(out).toMatch(
      /Reviews\n {2}2026-11-22 08:00:00 UTC {2}approve {2}alice@example.com \(approver\): release 2 is the last good one\n/,
    );
  });

  it("'#6' is sent as 6; it says why you cannot review your own request, and how to cancel it", async () => {
    const result = await run(["approvals", "show", "#6"]);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /api/v1/approvals/6"]);
    expect(result.stdout).toContain("You cannot review it: You asked for it: someone else must review it.");
    expect(result.stdout).toContain("You may cancel it: wheelhouse approvals cancel 6");
    expect(result.stdout).toMatch(/expires in 23 h \(2026-11-23 09:00:00 UTC\)/);
  });

  it("--json prints the request the shared schema parses, reviews included", async () => {
    const result = await run(["approvals", "show", "apr_3", "--json"]);
    expect(result.code).toBe(0);
    const request = approvalRequestSchema.parse(JSON.parse(result.stdout));
    expect(request).toEqual(CANNED_APPROVALS.find((candidate) => candidate.number === 3));
    expect(request.reviews).toHaveLength(1);
  });

  it("an unknown request exits 1 with the portal's sentence", async () => {
    const result = await run(["approvals", "show", "41"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: There is no approval request 41 in your team.\n");
  });
});

describe("wheelhouse approve", () => {
  it("the last approval needed: says it executed and names the deployment (exit 0)", async () => {
    const result = await run(["approve", "4", "--comment", "release 3 is good"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ["POST", "/api/v1/approvals/4/approve", { comment: "release 3 is good" }],
    ]);
    expect(result.stdout).toBe(
      "Approved request #4 (Roll back to release 3 on web-1, 1 per host: shop in production): it executed. Deployment dep_71; follow it with: wheelhouse status shop\n",
    );
  });

  it("one of two: says it still waits, n of m (exit 0); no --comment sends none", async () => {
    const result = await run(["approve", "#5"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests[0]?.body).toEqual({});
    expect(result.stdout).toMatch(/: 1 of 2 approvals; it waits for 1 more\.\n$/);
  });

  it("--json prints the request after the review", async () => {
    const result = await run(["approve", "4", "--json"]);
    expect(result.code).toBe(0);
    expect(approvalRequestSchema.parse(JSON.parse(result.stdout))).toMatchObject({
      status: "executed",
      deploymentId: "dep_71",
    });
  });

  it.each([
    ["6", "You asked for it: someone else must review it."],
    ["7", "Request #7 expired at 2026-11-22T09:00:00.000Z: ask again."],
    ["3", "Request #3 is already executed."],
  ])("a refused review of #%s exits 1 with the portal's reason on stderr", async (id, reason) => {
    const result = await run(["approve", id]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wheelhouse: ${reason}\n`);
    expect(result.stdout).toBe("");
  });

  it("approved but the action could not execute: exit 1 with why (and --json still prints the request)", async () => {
    const result = await run(["approve", "8", "--json"]);
    expect(result.code).toBe(1);
    expect(approvalRequestSchema.parse(JSON.parse(result.stdout)).status).toBe("failed");
    expect(result.stderr).toBe(
      "wheelhouse: Request #8 was approved but could not execute: The app's hosts changed since it was asked (hosts): ask again.\n",
    );
  });

  it("an empty ID is a usage error that sends nothing", async () => {
    const result = await run(["approve", "  "]);
    expect(result.code).toBe(2);
    expect(cli.portal().requests).toHaveLength(0);
  });
});

describe("wheelhouse deny and approvals cancel", () => {
  it.each([[["deny", "4"]], [["deny", "4", "--comment", "   "]]])(
    "%j: a denial without a comment is a usage error (exit 2) that sends nothing",
    async (argv) => {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe("wheelhouse: --comment: Say why you deny it: the requester reads your comment.\n");
      expect(cli.portal().requests).toHaveLength(0);
    },
  );

  it("deny --comment ends the request (exit 0); --json prints it denied", async () => {
    const result = await run(["deny", "4", "--comment", "roll forward instead"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests[0]?.body).toEqual({ comment: "roll forward instead" });
    expect(result.stdout).toMatch(/^Denied request #4 \(.*\); it is denied and will not run\.\n$/);
    const json = await run(["deny", "4", "--comment", "roll forward instead", "--json"]);
    expect(approvalRequestSchema.parse(JSON.parse(json.stdout))).toMatchObject({
      status: "denied",
      outcome: "roll forward instead",
    });
  });

  it("a refused denial (own request) exits 1 with the reason", async () => {
    const result = await run(["deny", "6", "--comment", "no"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: You asked for it: someone else must review it.\n");
  });

  it("cancel: the author's own request is cancelled (exit 0); another's is refused (exit 1)", async () => {
    const own = await run(["approvals", "cancel", "6", "--json"]);
    expect(own.code, own.stderr).toBe(0);
    expect(approvalRequestSchema.parse(JSON.parse(own.stdout)).status).toBe("cancelled");
    expect(cli.portal().requests.map((request) => [request.method, request.path])).toEqual([
      ["POST", "/api/v1/approvals/6/cancel"],
    ]);
    const other = await run(["approvals", "cancel", "4"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe("wheelhouse: Only its author (olga@example.com) can cancel request #4.\n");
  });
});

describe("help", () => {
  it("lists the approvals commands and what exit code 3 means", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["approvals", "approve", "deny"])
      expect(result.stdout).toMatch(new RegExp(`\\n  ${command} `));
    expect(result.stdout).toMatch(
      /3 {2}it did not run, a person must act first: not logged in .* or the action\n\s+waits for approval/,
    );
    const rollback = await run(["rollback", "--help"]);
    expect(rollback.stdout).toContain("--break-glass");
    expect(cli.portal().requests).toHaveLength(0);
  });
});
