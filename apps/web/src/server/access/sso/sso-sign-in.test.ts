import { describe, expect, it } from "vitest";
import { groupsOf, roleFor } from "./sso-sign-in";

const mapping = {
  roleMapping: [
    { group: "ops", role: "operator" as const },
    { group: "admins", role: "admin" as const },
    { group: "readers", role: "viewer" as const },
  ],
  defaultRole: null,
};

describe("the role from the groups claim", () => {
  it("is the highest mapped role, whatever the order of the groups", () => {
    expect(roleFor(mapping, ["readers", "ops"])).toBe("operator");
    expect(roleFor(mapping, ["admins", "readers"])).toBe("admin");
  });

  it("falls back to the default role, else null (refused)", () => {
    expect(roleFor(mapping, ["staff"])).toBeNull();
    expect(roleFor({ ...mapping, defaultRole: "viewer" }, ["staff"])).toBe("viewer");
    expect(roleFor({ roleMapping: [], defaultRole: null }, [])).toBeNull();
  });

  it("reads the claim as a list or a single name; anything else is no groups", () => {
    const claims = { sub: "x", groups: ["a", 3, "b"], role: "ops", other: { a: 1 } };
    expect(groupsOf(claims, "groups")).toEqual(["a", "b"]);
    expect(groupsOf(claims, "role")).toEqual(["ops"]);
    expect(groupsOf(claims, "other")).toEqual([]);
    expect(groupsOf(claims, "missing")).toEqual([]);
  });
});
