import type { TimelineEntry } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { timelineText } from "./timeline-text";

const entries: TimelineEntry[] = [
  {
    id: "1",
    at: "2026-03-01T09:05:00.000Z",
    actor: null,
    kind: "opened",
    data: { source: "signal", severity: "SEV3", summary: "shop: no healthy instance left" },
  },
  {
    id: "2",
    at: "2026-03-01T09:07:00.000Z",
    actor: "olga@example.com",
    kind: "runbook.step",
    data: {
      runId: "r",
      slug: "health-check-failure",
      stepId: "probe",
      stepTitle: "Probe readiness",
      outcome: "fail",
      finding: "GET /ready answered 404",
      automatic: true,
    },
  },
  { id: "3", at: "2026-03-01T09:20:00.000Z", actor: "olga@example.com", kind: "postmortem", data: { summary: "x" } },
  {
    id: "4",
    at: "2026-03-01T09:21:00.000Z",
    actor: "olga@example.com",
    kind: "note",
    data: { text: "restarted\n  the  app" },
  },
  {
    id: "5",
    at: "2026-03-01T09:22:00.000Z",
    actor: "olga@example.com",
    kind: "runbook.step",
    data: {
      runId: "r",
      slug: "health-check-failure",
      stepId: "tell",
      stepTitle: "Tell the team",
      outcome: "done",
      finding: null,
      automatic: false,
    },
  },
];

describe("timelineText", () => {
  it("writes one line per entry with time, actor and what happened (checks and ticked steps apart), leaving out postmortem saves", () => {
    expect(timelineText(entries, "UTC").split("\n")).toEqual([
      "09:05 Wheelhouse — opened (SEV3, by a signal): shop: no healthy instance left",
      '09:07 olga@example.com — check "Probe readiness": fail — GET /ready answered 404',
      "09:21 olga@example.com — note: restarted the app",
      '09:22 olga@example.com — step "Tell the team": done',
    ]);
  });

  it("says who decided an approval request, and flags a break-glass one", () => {
    const approval = (data: Partial<Extract<TimelineEntry, { kind: "approval" }>["data"]>): TimelineEntry => ({
      id: "a",
      at: "2026-03-01T09:30:00.000Z",
      actor: "olga@example.com",
      kind: "approval",
      data: {
        requestId: "req",
        number: 4,
        action: "apps.rollback",
        summary: "Roll back to release 3 on web-1, 1 per host",
        status: "executed",
        breakGlass: false,
        reason: "release 4 double-charges",
        requester: "olga@example.com",
        reviews: [{ email: "pia@example.com", decision: "approve", comment: "go", at: "2026-03-01T09:31:00.000Z" }],
        ...data,
      },
    });
    expect(
      timelineText(
        [
          approval({}),
          approval({
            status: "denied",
            reviews: [{ email: "ann@example.com", decision: "deny", comment: "no", at: "x" }],
          }),
          approval({ status: "executed", breakGlass: true, reviews: [], requester: "ari@example.com" }),
          approval({ status: "pending", reviews: [] }),
        ],
        "UTC",
      ).split("\n"),
    ).toEqual([
      "09:30 olga@example.com — request #4: roll back to release 3 on web-1, 1 per host — approved by pia@example.com (executed; reason: release 4 double-charges)",
      "09:30 olga@example.com — request #4: roll back to release 3 on web-1, 1 per host — denied by ann@example.com (denied; reason: release 4 double-charges)",
      "09:30 olga@example.com — request #4: roll back to release 3 on web-1, 1 per host — run without approval by ari@example.com (executed, break-glass; reason: release 4 double-charges)",
      "09:30 olga@example.com — request #4: roll back to release 3 on web-1, 1 per host — asked by olga@example.com, waiting for approval (pending; reason: release 4 double-charges)",
    ]);
  });

  it("is empty for an empty timeline", () => {
    expect(timelineText([], "UTC")).toBe("");
  });
});
