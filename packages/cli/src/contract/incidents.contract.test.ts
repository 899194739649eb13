import { describe, expect, it } from "vitest";
import { inProcessCli } from "./in-process-cli";
import { CANNED_INCIDENT_DETAIL, CANNED_INCIDENTS } from "./stand-in-incidents";

const cli = inProcessCli("incidents");
const run = cli.run;

describe("wheelhouse incidents list", () => {
  it("asks for open incidents by default and prints one row each", async () => {
    const result = await run(["incidents", "list"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v1/incidents?status=open&limit=100",
    ]);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^#\s+SEVERITY\s+STATUS\s+APP\s+TITLE\s+OPENED$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^#2\s+SEV2\s+Investigating\s+billing-api\s+The deploy of billing-api failed.*\s+1 min ago$/,
    );
  });

  it("--status all --json prints the array the portal sent, with id, title, severity, status, app, openedAt", async () => {
    const result = await run(["incidents", "list", "--status", "all", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests[0]?.path).toBe("/api/v1/incidents?status=all&limit=100");
    const printed = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(printed).toEqual(CANNED_INCIDENTS);
    for (const incident of printed) {
      expect(Object.keys(incident)).toEqual(
        expect.arrayContaining(["id", "title", "severity", "status", "app", "openedAt"]),
      );
    }
    expect(result.stderr).toBe("");
  });

  it("shows a host incident by its host when it has no app", async () => {
    const result = await run(["incidents", "list", "--status", "resolved"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#1\s+SEV3\s+Resolved\s+host db-1\s+db-1 lost/m);
  });

  it("refuses an unknown --status with exit code 2 before sending anything", async () => {
    const result = await run(["incidents", "list", "--status", "closed"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("wheelhouse: --status: --status is one of: open, resolved, all.\n");
    expect(cli.portal().requests).toHaveLength(0);
  });
});

describe("wheelhouse incidents show", () => {
  it("by number: looks the number up, then prints the facts and the timeline in order", async () => {
    const result = await run(["incidents", "show", "#2"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v1/incidents?status=all&limit=500",
      "GET /api/v1/incidents/inc_2",
    ]);
    const out = result.stdout;
    expect(out).toMatch(/^#2 The deploy of billing-api failed/);
    expect(out).toContain("Severity SEV2 · Status Investigating · App billing-api · Lead ada@example.com");
    expect(out).toContain("Opened 1 min ago (2026-11-22 09:59:00 UTC) by signal; 2 signals");
    const timeline = out.slice(out.indexOf("Timeline\n")).split("\n").slice(1, 7);
    expect(timeline).toEqual([
      "  2026-11-22 09:58:50 UTC  deployment        deploy release 4 Failed: GET /health answered 500 three times · ada@example.com",
      "  2026-11-22 09:59:00 UTC  opened            opened SEV2 by a signal: The deploy of billing-api failed",
      "  2026-11-22 09:59:00 UTC  signal            deployment.failed: The deploy of billing-api failed",
      "  2026-11-22 09:59:30 UTC  shell             container shell in billing-api-3-1 on web-1 (recorded) · ada@example.com",
      "  2026-11-22 09:59:50 UTC  status            Investigating → Identified · ada@example.com",
      // The escape sequence in the note is dropped, not sent to the terminal.
      "  2026-11-22 09:59:55 UTC  note              DATABASE_URL unset · ada@example.com",
    ]);
  });

  it("by id with --json: the incident object, timeline included", async () => {
    const result = await run(["incidents", "show", "inc_2", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(cli.portal().requests.map((request) => request.path)).toEqual(["/api/v1/incidents/inc_2"]);
    expect(JSON.parse(result.stdout)).toEqual(CANNED_INCIDENT_DETAIL);
  });

  it("an unknown number is exit code 1 with a sentence that says where to look", async () => {
    const result = await run(["incidents", "show", "7"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "wheelhouse: There is no incident #7 in your team (see wheelhouse incidents list --status all).\n",
    );
    expect(result.stdout).toBe("");
  });

  it("an unknown id passes the portal's 404 on with exit code 1", async () => {
    const result = await run(["incidents", "show", "inc_404"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("wheelhouse: There is no such incident in your team (see the Incidents page).\n");
  });
});
