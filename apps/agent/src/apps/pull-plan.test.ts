// The pull policies' decisions, without an engine: which references are asked about, which are
// pulled, which refused, and which repository's digest a release records.
import { describe, expect, it } from "vitest";
import { isStale, localOnlyHint, pickRepoDigest, planResolve } from "./pull-plan";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const IMAGE_ID = `sha256:${"a".repeat(64)}`;
const TAG = "127.0.0.1:5055/shop:latest";

describe("planResolve", () => {
  it("asks the registry about a tag under always, whether or not the image is here", () => {
    expect(planResolve(TAG, "always", true)).toEqual({ kind: "ask-registry" });
    expect(planResolve(TAG, "always", false)).toEqual({ kind: "ask-registry" });
    // No tag means latest: still a moving name.
    expect(planResolve("127.0.0.1:5055/shop", "always", true)).toEqual({ kind: "ask-registry" });
  });

  it("uses a local image as it is under if-not-present, and pulls only a missing one", () => {
    expect(planResolve(TAG, "if-not-present", true)).toEqual({ kind: "use-local" });
    expect(planResolve(TAG, "if-not-present", false)).toEqual({ kind: "pull" });
  });

  it("never pulls under never, and says which policy refused", () => {
    expect(planResolve(TAG, "never", true)).toEqual({ kind: "use-local" });
    const refused = planResolve(TAG, "never", false);
    expect(refused.kind).toBe("refuse");
    expect(refused.kind === "refuse" && refused.reason).toBe(
      `${TAG} is not on this host, and the app's pull policy is "never" (local images only), so it is not pulled`,
    );
  });

  it("never asks about a reference by digest: a local one is used, a missing one pulled unless never", () => {
    const pinned = `127.0.0.1:5055/shop@${D1}`;
    for (const policy of ["always", "if-not-present", "never"] as const) {
      expect(planResolve(pinned, policy, true)).toEqual({ kind: "use-local" });
    }
    expect(planResolve(pinned, "always", false)).toEqual({ kind: "pull" });
    expect(planResolve(`127.0.0.1:5055/shop:1@${D1}`, "always", true)).toEqual({ kind: "use-local" });
    expect(planResolve(pinned, "never", false).kind).toBe("refuse");
  });

  it("never pulls an image id", () => {
    expect(planResolve(IMAGE_ID, "always", true)).toEqual({ kind: "use-local" });
    expect(planResolve(IMAGE_ID, "always", false)).toEqual({
      kind: "refuse",
      reason: `image ${IMAGE_ID} is not on this host, and an image id cannot be pulled`,
    });
  });
});

describe("isStale", () => {
  it("compares the registry's digest with the local one in the reference's own repository only", () => {
    expect(isStale(TAG, [`127.0.0.1:5055/shop@${D1}`], D1)).toBe(false);
    expect(isStale(TAG, [`127.0.0.1:5055/shop@${D1}`], D2)).toBe(true);
    // The same digest in another repository says nothing about this one.
    expect(isStale(TAG, [`127.0.0.1:5055/other@${D2}`], D2)).toBe(true);
    expect(isStale(TAG, [], D2)).toBe(true);
    // An image pushed to two manifests of the repository is current when either is the tag's.
    expect(isStale(TAG, [`127.0.0.1:5055/shop@${D1}`, `127.0.0.1:5055/shop@${D2}`], D2)).toBe(false);
  });
});

describe("pickRepoDigest", () => {
  it("records the reference's own repository's digest, never the one the engine lists first", () => {
    const digests = [`127.0.0.1:5055/other@${D1}`, `127.0.0.1:5055/shop@${D2}`];
    expect(pickRepoDigest(TAG, digests)).toBe(`127.0.0.1:5055/shop@${D2}`);
    expect(pickRepoDigest("web:v1", [`127.0.0.1:5055/other@${D1}`])).toBeNull();
    expect(pickRepoDigest(IMAGE_ID, digests)).toBeNull();
  });

  it("prefers the pinned or the registry's current digest when the repository has several", () => {
    const digests = [`127.0.0.1:5055/shop@${D1}`, `127.0.0.1:5055/shop@${D2}`];
    expect(pickRepoDigest(`127.0.0.1:5055/shop@${D2}`, digests)).toBe(`127.0.0.1:5055/shop@${D2}`);
    expect(pickRepoDigest(TAG, digests, D2)).toBe(`127.0.0.1:5055/shop@${D2}`);
    expect(pickRepoDigest(TAG, digests)).toBe(`127.0.0.1:5055/shop@${D1}`);
  });

  it("reads Docker Hub's spellings as one repository", () => {
    expect(pickRepoDigest("nginx:1.25", [`docker.io/library/nginx@${D1}`])).toBe(`docker.io/library/nginx@${D1}`);
    expect(pickRepoDigest("nginx:1.25", [`nginx@${D1}`])).toBe(`nginx@${D1}`);
  });
});

describe("localOnlyHint", () => {
  it("suggests never for an image that was never pulled from or pushed to its repository", () => {
    expect(localOnlyHint("web:v1", [])).toBe(
      `web:v1 exists on this host but was never pulled from or pushed to a registry: for an image built on the host, set the app's pull policy to "never" (local images only).`,
    );
    expect(localOnlyHint("web:v1", [`127.0.0.1:5055/other@${D1}`])).not.toBeNull();
  });

  it("says nothing for an image that came from its registry, or that is not here", () => {
    expect(localOnlyHint(TAG, [`127.0.0.1:5055/shop@${D1}`])).toBeNull();
    expect(localOnlyHint(TAG, undefined)).toBeNull();
  });
});
