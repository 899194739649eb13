import { describe, expect, it } from "vitest";
import { ACTIONS, can, minimumRole, ROLES, roleSchema } from "./roles";

describe("roles", () => {
  it("orders viewer < operator < approver < admin: each role may do all its inferiors may", () => {
    for (const action of Object.keys(ACTIONS) as (keyof typeof ACTIONS)[]) {
      const allowed = ROLES.map((role) => can(role, action));
      // Once allowed, every higher role is allowed too.
      expect(allowed).toEqual([...allowed].sort((a, b) => Number(a) - Number(b)));
      expect(can(minimumRole(action), action)).toBe(true);
    }
  });

  it("keeps user administration to admins and reading to everyone", () => {
    expect(can("viewer", "audit.read")).toBe(true);
    expect(can("approver", "users.create")).toBe(false);
    expect(can("admin", "users.disable")).toBe(true);
  });

  it("refuses no role and unknown roles", () => {
    expect(can(null, "portal.read")).toBe(false);
    expect(roleSchema.safeParse("owner").success).toBe(false);
    expect(roleSchema.safeParse("owner").error?.issues[0]?.message).toBe(
      "Role must be one of: viewer, operator, approver, admin.",
    );
  });
});
