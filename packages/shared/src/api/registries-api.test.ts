import { describe, expect, it } from "vitest";
import { registryOf } from "../apps/image-reference";
import { addRegistryLoginInputSchema, registryHostRefSchema, registryHostSchema } from "./registries-api";

describe("registryHostSchema", () => {
  it.each([
    ["ghcr.io", "ghcr.io"],
    ["  GHCR.IO ", "ghcr.io"],
    ["registry.example.com:5000", "registry.example.com:5000"],
    ["127.0.0.1:5055", "127.0.0.1:5055"],
    ["localhost", "localhost"],
    ["localhost:5000", "localhost:5000"],
    ["docker.io", "docker.io"],
    ["index.docker.io", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
  ])("accepts %j as %j, the host registryOf names for its images", (typed, stored) => {
    expect(registryHostSchema.parse(typed)).toBe(stored);
    expect(registryOf(`${stored}/team/app:1`)).toBe(stored);
  });

  it.each([
    "myregistry",
    "https://ghcr.io",
    "ghcr.io/team",
    "ghcr.io:0",
    "ghcr.io:65536",
    "ghcr.io:",
    "user@ghcr.io",
    "-bad.example.com",
    "",
    `${"a".repeat(255)}.io`,
  ])("refuses %j with a sentence", (typed) => {
    const parsed = registryHostSchema.safeParse(typed);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/registry host/);
  });

  it("decodes a percent-encoded colon in the path form only", () => {
    expect(registryHostRefSchema.parse({ host: "127.0.0.1%3A5000" })).toEqual({ host: "127.0.0.1:5000" });
    expect(registryHostRefSchema.safeParse({ host: "%zz" }).success).toBe(false);
    expect(
      addRegistryLoginInputSchema.safeParse({ host: "127.0.0.1%3A5000", username: "u", password: "p" }).success,
    ).toBe(false);
  });
});

describe("addRegistryLoginInputSchema", () => {
  const valid = { host: "ghcr.io", username: "ci-bot", password: " s3cret " };

  it("keeps the password exactly as given", () => {
    expect(addRegistryLoginInputSchema.parse(valid).password).toBe(" s3cret ");
  });

  it.each([
    [{ ...valid, password: "" }, /password or access token/],
    [{ ...valid, password: "x".repeat(4_097) }, /at most 4096/],
    [{ ...valid, username: " " }, /user name/],
    [{ ...valid, username: "a:b" }, /no spaces or colons/],
    [{ ...valid, username: "u".repeat(201) }, /at most 200/],
    [{ ...valid, extra: 1 }, /Unrecognized key/],
  ])("refuses %j", (input, message) => {
    const parsed = addRegistryLoginInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join(" ")).toMatch(message);
  });
});
