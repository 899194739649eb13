import { describe, expect, it } from "vitest";
import { afterSignInPath } from "./after-sign-in";

describe("afterSignInPath", () => {
  it("follows one of our own pages", () => {
    expect(afterSignInPath("?next=/invite/abc_DEF-123")).toBe("/invite/abc_DEF-123");
    expect(afterSignInPath("?step=code&next=%2Fapps%2Fweb")).toBe("/apps/web");
  });

  it("goes to the apps list without one", () => {
    expect(afterSignInPath("")).toBe("/apps");
    expect(afterSignInPath("?next=")).toBe("/apps");
  });

  it("never leaves this origin", () => {
    for (const next of [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/a?b=c",
      "/a#b",
      "apps",
    ]) {
      expect(afterSignInPath(`?next=${encodeURIComponent(next)}`)).toBe("/apps");
    }
  });
});
