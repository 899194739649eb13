import { describe, expect, it } from "vitest";
import { asEnvironment, durationLabel, reviewersLabel } from "./format";

describe("durationLabel", () => {
  it.each([
    [86_400, "1 day"],
    [7 * 86_400, "7 days"],
    [3_600, "1 hour"],
    [90 * 60, "90 minutes"],
    [300, "5 minutes"],
    [36 * 3_600, "36 hours"],
    [61, "61 seconds"],
  ])("%i seconds reads %s, never rounded", (seconds, label) => {
    expect(durationLabel(seconds)).toBe(label);
  });
});

describe("reviewersLabel", () => {
  it("names one reviewer with its article and several in the plural", () => {
    expect(reviewersLabel(1, ["approver", "admin"])).toBe("an approver or admin");
    expect(reviewersLabel(1, ["admin"])).toBe("an admin");
    expect(reviewersLabel(2, ["approver", "admin"])).toBe("2 approvers or admins");
  });
});

describe("asEnvironment", () => {
  it("accepts the app environments only", () => {
    expect(asEnvironment("production")).toBe("production");
    expect(asEnvironment("staging")).toBe("staging");
    expect(asEnvironment("any")).toBeNull();
  });
});
