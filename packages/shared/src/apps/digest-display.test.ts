import { describe, expect, it } from "vitest";
import { shortDigest } from "./digest-display";

const HEX = "1bf183780f4a9c2d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d";

describe("shortDigest", () => {
  it("shows the sha256 part of a repo digest, never the registry's host and port", () => {
    expect(shortDigest(`127.0.0.1:5055/other@sha256:${HEX}`)).toBe("sha256:1bf183780f4a…");
    expect(shortDigest(`registry.example.com/team/app@sha256:${HEX}`)).toBe("sha256:1bf183780f4a…");
  });

  it("shortens a bare digest or local image id the same way", () => {
    expect(shortDigest(`sha256:${HEX}`)).toBe("sha256:1bf183780f4a…");
  });

  it("leaves a value that is already short as it is", () => {
    expect(shortDigest("sha256:1bf1")).toBe("sha256:1bf1");
    expect(shortDigest("abc")).toBe("abc");
  });
});
