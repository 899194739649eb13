import { type ApprovalPolicy, DEFAULT_APPROVAL_POLICIES } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { errorsByRow } from "./policy-errors";

const base = DEFAULT_APPROVAL_POLICIES[0] as ApprovalPolicy;

describe("errorsByRow", () => {
  it("has nothing to say about the defaults", () => {
    expect(errorsByRow([base])).toEqual([{}]);
  });

  it("puts each message under its field, on its row", () => {
    const errors = errorsByRow([
      base,
      { ...base, environment: "staging", requestExpirySeconds: 60, reviewerRoles: [], approvals: 0 },
    ]);
    expect(errors[0]).toEqual({});
    expect(errors[1]).toEqual({
      requestExpirySeconds: "A request waits at least 5 minutes.",
      reviewerRoles: "Name at least one reviewer role.",
      approvals: "At least one approval.",
    });
  });

  it("names a second policy for the same action and environment on that row", () => {
    const errors = errorsByRow([base, { ...base, approvals: 2 }]);
    expect(errors[0]).toEqual({});
    expect(errors[1]?.row).toBe("Two policies for apps.rollback in production: keep one.");
  });
});
