import { describe, expect, it } from "vitest";
import {
  digestPart,
  effectiveTag,
  ownRepoDigest,
  parseImageReference,
  registryOf,
  repositoryOf,
} from "./image-reference";

const D1 = `sha256:${"a".repeat(64)}`;
const D2 = `sha256:${"b".repeat(64)}`;

describe("parseImageReference", () => {
  it("reads registry, path, tag and digest as the engine does", () => {
    expect(parseImageReference("127.0.0.1:5055/shop:latest")).toEqual({
      registry: "127.0.0.1:5055",
      path: "shop",
      tag: "latest",
      digest: null,
    });
    expect(parseImageReference("nginx")).toEqual({
      registry: "docker.io",
      path: "library/nginx",
      tag: null,
      digest: null,
    });
    expect(parseImageReference("team/app:1.2")).toEqual({
      registry: "docker.io",
      path: "team/app",
      tag: "1.2",
      digest: null,
    });
    expect(parseImageReference("localhost/app")?.registry).toBe("localhost");
    expect(parseImageReference(`ghcr.io/org/app:v1@${D1}`)).toEqual({
      registry: "ghcr.io",
      path: "org/app",
      tag: "v1",
      digest: D1,
    });
    expect(parseImageReference(D1)).toBeNull();
    expect(parseImageReference("app@sha256:short")).toBeNull();
  });

  it("treats the spellings of Docker Hub as one registry", () => {
    expect(repositoryOf("nginx:1.25")).toBe("docker.io/library/nginx");
    expect(repositoryOf("docker.io/library/nginx")).toBe("docker.io/library/nginx");
    expect(repositoryOf("index.docker.io/library/nginx")).toBe("docker.io/library/nginx");
    expect(registryOf("nginx")).toBe("docker.io");
  });

  it("means latest when no tag is given, and no tag when only a digest is", () => {
    const plain = parseImageReference("shop");
    const pinned = parseImageReference(`shop@${D1}`);
    expect(plain && effectiveTag(plain)).toBe("latest");
    expect(pinned && effectiveTag(pinned)).toBeNull();
  });
});

describe("ownRepoDigest", () => {
  it("picks the digest of the reference's own repository, not the first one listed", () => {
    const listed = [`127.0.0.1:5055/other@${D1}`, `web@${D2}`];
    expect(ownRepoDigest("web:v1", listed)).toBe(`web@${D2}`);
    expect(ownRepoDigest("127.0.0.1:5055/other:latest", listed)).toBe(`127.0.0.1:5055/other@${D1}`);
    expect(ownRepoDigest("127.0.0.1:5055/shop:latest", listed)).toBeNull();
    expect(ownRepoDigest(D1, listed)).toBeNull();
  });
});

describe("digestPart", () => {
  it("shows the sha256 part of a repo digest, not the registry's port", () => {
    expect(digestPart(`127.0.0.1:5055/other@${D1}`)).toBe(D1);
    expect(digestPart(D2)).toBe(D2);
  });
});
