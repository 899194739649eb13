import { describe, expect, it } from "vitest";
import { planImageCleanup, type RetainedRelease } from "./image-retention";

const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const release = (appId: string, number: number, image: number, inUse = false): RetainedRelease => ({
  appId,
  number,
  imageDigest: digest(image),
  inUse,
});

describe("planImageCleanup", () => {
  it("keeps the newest releases of each app and offers the older ones", () => {
    const plan = planImageCleanup(
      [1, 2, 3, 4].map((n) => release("a", n, n)),
      2,
    );
    expect(plan.keep).toEqual([digest(3), digest(4)]);
    expect(plan.candidates).toEqual([digest(1), digest(2)]);
  });

  it("never offers an image that a kept release points to, even when an old release shares it", () => {
    // Release 1 and 4 run the same image (a rollback re-released it): 1 is old, 4 is kept.
    const plan = planImageCleanup([release("a", 1, 9), release("a", 2, 2), release("a", 3, 3), release("a", 4, 9)], 2);
    expect(plan.candidates).toEqual([digest(2)]);
    expect(plan.keep).toContain(digest(9));
  });

  it("keeps an old release that is live or being deployed (a rollback target)", () => {
    const plan = planImageCleanup([release("a", 1, 1, true), release("a", 2, 2), release("a", 3, 3)], 1);
    expect(plan.keep).toEqual([digest(1), digest(3)]);
    expect(plan.candidates).toEqual([digest(2)]);
  });

  it("protects an image another app keeps", () => {
    const plan = planImageCleanup([release("a", 1, 7), release("a", 2, 2), release("b", 1, 7)], 1);
    expect(plan.candidates).toEqual([]);
  });
});
