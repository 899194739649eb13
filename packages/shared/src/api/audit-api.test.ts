import { describe, expect, it } from "vitest";
import { auditFilterSchema } from "./audit-api";

describe("the audit action filter", () => {
  // Every action the portal writes must be searchable, including the older ones with an underscore
  // (hosts.agent.key_in_use); anything that looks like SQL LIKE syntax is not an action.
  it.each(["apps.rollback", "apps.*", "hosts.agent.key_in_use", "approvals.break-glass", "terminal.open"])(
    "accepts %s",
    (action) => {
      expect(auditFilterSchema.safeParse({ action }).success).toBe(true);
    },
  );

  it.each(["apps.%", "Apps.rollback", "apps.", ".apps", "apps.*.x", "apps rollback", "*"])("refuses %s", (action) => {
    const parsed = auditFilterSchema.safeParse({ action });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      "An action looks like apps.rollback, or apps.* for all of a resource.",
    );
  });
});
