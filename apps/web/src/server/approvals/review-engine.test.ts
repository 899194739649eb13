// The review engine, table-driven in the spirit of Teleport's TestReviewThresholds: each case is a
// request, a policy and a sequence of reviews, with what the engine must say after each one. The
// simulation does what the server does with an accepted review: a denial ends the request, a met
// threshold moves it to executing. Every rule of review-engine.ts has a case that fails without it.
import type { ApprovalStatus, ReviewDecision, Role } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import {
  approvalCounts,
  type EngineRequest,
  type EngineReview,
  reviewerRolesPhrase,
  reviewRefusal,
  tally,
} from "./review-engine";

const CREATED = new Date(Date.UTC(2026, 11, 1, 9, 0, 0));
const HOUR = 3_600;
const at = (seconds: number) => new Date(CREATED.getTime() + seconds * 1000);

const REQUESTER = { id: "u-requester", role: "operator" as Role };
const people = {
  alice: { id: "u-alice", role: "approver" as Role },
  bob: { id: "u-bob", role: "approver" as Role },
  carol: { id: "u-carol", role: "admin" as Role },
  oscar: { id: "u-oscar", role: "operator" as Role },
  vera: { id: "u-vera", role: "viewer" as Role },
  requester: REQUESTER,
  /** The requester is an approver too: still may not review their own request. */
  selfApprover: { id: REQUESTER.id, role: "approver" as Role },
};
type Person = keyof typeof people;

interface Step {
  /** Seconds after the request was made. */
  at: number;
  who: Person;
  decision: ReviewDecision;
  /** The refusal's sentence, or null when the review is accepted. */
  refused: RegExp | null;
  /** The state after the step. */
  counted: number;
  met: boolean;
  denied?: boolean;
  status: ApprovalStatus;
}

interface Case {
  name: string;
  approvals?: number;
  reviewerRoles?: ("approver" | "admin")[];
  validity?: number;
  expiresAfter?: number;
  status?: ApprovalStatus;
  breakGlass?: boolean;
  steps: Step[];
}

const cases: Case[] = [
  {
    name: "threshold 1: one approver's approval is enough",
    steps: [{ at: 60, who: "alice", decision: "approve", refused: null, counted: 1, met: true, status: "executing" }],
  },
  {
    name: "threshold 2: the first approval waits for a second person",
    approvals: 2,
    steps: [
      { at: 60, who: "alice", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      { at: 120, who: "carol", decision: "approve", refused: null, counted: 2, met: true, status: "executing" },
    ],
  },
  {
    name: "double review: the same person cannot approve twice to reach 2",
    approvals: 2,
    steps: [
      { at: 60, who: "alice", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      {
        at: 90,
        who: "alice",
        decision: "approve",
        refused: /^You already reviewed request #4\.$/,
        counted: 1,
        met: false,
        status: "pending",
      },
      {
        at: 95,
        who: "alice",
        decision: "deny",
        refused: /^You already reviewed request #4\.$/,
        counted: 1,
        met: false,
        status: "pending",
      },
    ],
  },
  {
    name: "roles: an admins-only policy refuses an approver, then an admin meets it",
    reviewerRoles: ["admin"],
    steps: [
      {
        at: 60,
        who: "alice",
        decision: "approve",
        refused: /^Approving request #4 needs an admin; you are an approver\.$/,
        counted: 0,
        met: false,
        status: "pending",
      },
      { at: 70, who: "carol", decision: "approve", refused: null, counted: 1, met: true, status: "executing" },
    ],
  },
  {
    name: "roles: operators and viewers never review, whatever the policy",
    steps: [
      {
        at: 60,
        who: "oscar",
        decision: "approve",
        refused: /^Approving request #4 needs an approver or admin; you are an operator\.$/,
        counted: 0,
        met: false,
        status: "pending",
      },
      {
        at: 61,
        who: "vera",
        decision: "deny",
        refused: /^Denying request #4 needs an approver or admin; you are a viewer\.$/,
        counted: 0,
        met: false,
        status: "pending",
      },
    ],
  },
  {
    name: "self-review: the requester may not approve, even holding the approver role",
    steps: [
      {
        at: 60,
        who: "selfApprover",
        decision: "approve",
        refused: /^You asked for it: someone else must review it\.$/,
        counted: 0,
        met: false,
        status: "pending",
      },
      {
        at: 61,
        who: "requester",
        decision: "deny",
        refused: /^You asked for it/,
        counted: 0,
        met: false,
        status: "pending",
      },
    ],
  },
  {
    name: "deny first: a denial ends it and later approvals are refused",
    steps: [
      { at: 60, who: "alice", decision: "deny", refused: null, counted: 0, met: false, denied: true, status: "denied" },
      {
        at: 70,
        who: "carol",
        decision: "approve",
        refused: /^Request #4 was already denied\.$/,
        counted: 0,
        met: false,
        denied: true,
        status: "denied",
      },
    ],
  },
  {
    name: "deny after one approval (threshold 2): the denial wins",
    approvals: 2,
    steps: [
      { at: 60, who: "alice", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      { at: 70, who: "bob", decision: "deny", refused: null, counted: 1, met: false, denied: true, status: "denied" },
      {
        at: 80,
        who: "carol",
        decision: "approve",
        refused: /already denied/,
        counted: 1,
        met: false,
        denied: true,
        status: "denied",
      },
    ],
  },
  {
    name: "expiry of the request: a review after expiresAt is refused",
    expiresAfter: 24 * HOUR,
    steps: [
      {
        at: 24 * HOUR,
        who: "alice",
        decision: "approve",
        refused: /^Request #4 expired at 2026-12-02T09:00:00\.000Z: ask again\.$/,
        counted: 0,
        met: false,
        status: "pending",
      },
    ],
  },
  {
    name: "expiry of an approval: the first went stale before the second arrived",
    approvals: 2,
    validity: HOUR,
    steps: [
      { at: 0, who: "alice", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      // Exactly one validity later the first approval no longer counts.
      { at: HOUR, who: "carol", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      { at: HOUR + 10, who: "bob", decision: "approve", refused: null, counted: 2, met: true, status: "executing" },
    ],
  },
  {
    name: "expiry of an approval: a second approval just in time meets it",
    approvals: 2,
    validity: HOUR,
    steps: [
      { at: 0, who: "alice", decision: "approve", refused: null, counted: 1, met: false, status: "pending" },
      { at: HOUR - 1, who: "carol", decision: "approve", refused: null, counted: 2, met: true, status: "executing" },
    ],
  },
  {
    name: "cancelled: a cancelled request takes no review",
    status: "cancelled",
    steps: [
      {
        at: 60,
        who: "alice",
        decision: "approve",
        refused: /^Request #4 was already cancelled by its author\.$/,
        counted: 0,
        met: false,
        status: "cancelled",
      },
    ],
  },
  {
    name: "executed: an executed request takes no further review",
    status: "executed",
    steps: [
      {
        at: 60,
        who: "carol",
        decision: "deny",
        refused: /^Request #4 was already approved and executed\.$/,
        counted: 0,
        met: false,
        status: "executed",
      },
    ],
  },
  {
    name: "break-glass: a request an admin ran without approval is never reviewable",
    status: "executed",
    breakGlass: true,
    steps: [
      {
        at: 60,
        who: "carol",
        decision: "approve",
        refused: /^Request #4 ran without approval \(break-glass\): there is nothing to review\.$/,
        counted: 0,
        met: false,
        status: "executed",
      },
    ],
  },
];

function requestOf(c: Case): EngineRequest {
  return {
    number: 4,
    status: c.status ?? "pending",
    requesterId: REQUESTER.id,
    policy: {
      approvals: c.approvals ?? 1,
      reviewerRoles: c.reviewerRoles ?? ["approver", "admin"],
      approvalValiditySeconds: c.validity ?? HOUR,
    },
    expiresAt: at(c.expiresAfter ?? 24 * HOUR),
    createdAt: CREATED,
    breakGlass: c.breakGlass ?? false,
  };
}

describe("review engine", () => {
  it.each(cases)("$name", (c) => {
    const request = requestOf(c);
    const reviews: EngineReview[] = [];
    for (const [index, step] of c.steps.entries()) {
      const now = at(step.at);
      const reviewer = people[step.who];
      const refusal = reviewRefusal(request, reviews, reviewer, step.decision, now);
      const label = `step ${index + 1} (${step.who} ${step.decision})`;
      if (step.refused) expect(refusal?.message, label).toMatch(step.refused);
      else expect(refusal, label).toBeNull();
      if (!refusal) {
        reviews.push({ reviewerId: reviewer.id, role: reviewer.role, decision: step.decision, createdAt: now });
        const after = tally(request, reviews, now);
        if (after.denied) request.status = "denied";
        else if (after.met) request.status = "executing";
      }
      const state = tally(request, reviews, now);
      expect({ counted: state.counted, met: state.met, denied: state.denied, status: request.status }, label).toEqual({
        counted: step.counted,
        met: step.met,
        denied: step.denied ?? false,
        status: step.status,
      });
    }
  });

  // Rows the engine would never have accepted (written before a role change, or by hand) still do not count.
  it("counts neither the requester's own approval nor one from a role the policy does not name", () => {
    const request = requestOf({ name: "direct", approvals: 1, reviewerRoles: ["admin"], steps: [] });
    const now = at(60);
    const own: EngineReview = { reviewerId: REQUESTER.id, role: "admin", decision: "approve", createdAt: at(10) };
    const approver: EngineReview = { reviewerId: "u-alice", role: "approver", decision: "approve", createdAt: at(10) };
    const unknownRole: EngineReview = { reviewerId: "u-x", role: "owner", decision: "approve", createdAt: at(10) };
    expect(approvalCounts(request, own, now)).toBe(false);
    expect(approvalCounts(request, approver, now)).toBe(false);
    expect(approvalCounts(request, unknownRole, now)).toBe(false);
    expect(tally(request, [own, approver, unknownRole], now)).toEqual({
      counted: 0,
      required: 1,
      denied: false,
      met: false,
    });
    const admin: EngineReview = { reviewerId: "u-carol", role: "admin", decision: "approve", createdAt: at(10) };
    expect(tally(request, [own, approver, admin], now).met).toBe(true);
  });

  // A denial and the last approval racing each other: whatever the count, a denial means not met.
  it("never calls a denied request met, however many approvals count", () => {
    const request = requestOf({ name: "race", approvals: 1, steps: [] });
    const now = at(60);
    const approve: EngineReview = { reviewerId: "u-alice", role: "approver", decision: "approve", createdAt: at(10) };
    const deny: EngineReview = { reviewerId: "u-bob", role: "approver", decision: "deny", createdAt: at(11) };
    expect(tally(request, [approve, deny], now)).toEqual({ counted: 1, required: 1, denied: true, met: false });
  });

  it("names reviewer roles as a person says them", () => {
    expect(reviewerRolesPhrase(["approver", "admin"])).toBe("an approver or admin");
    expect(reviewerRolesPhrase(["admin"])).toBe("an admin");
  });
});
