import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../../config/secret-box";
import { FLOW_COOKIE, flowCookie, type OidcFlow, readFlow, safeReturnTo } from "./oidc-flow-cookie";

const box = createSecretBox(randomBytes(32));
const flow: OidcFlow = {
  verifier: "v".repeat(43),
  state: "state-1",
  nonce: "nonce-1",
  returnTo: "/apps",
  issuer: "http://127.0.0.1:4000",
  clientId: "wheelhouse",
  expiresAt: Date.now() + 60_000,
};

function header(setCookie: string): string {
  return setCookie.split(";")[0] ?? "";
}

describe("the OIDC flow cookie", () => {
  it("is httpOnly, SameSite=Lax, scoped to /auth/oidc, and reads back what was sealed", () => {
    const cookie = flowCookie(box, flow, true);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\/auth\/oidc/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).not.toContain("state-1");
    expect(readFlow(box, header(cookie))).toEqual(flow);
  });

  it("is null when missing, tampered with, sealed under another key, or expired", () => {
    const sealed = header(flowCookie(box, flow, false));
    expect(readFlow(box, undefined)).toBeNull();
    expect(readFlow(box, "other=1")).toBeNull();
    const value = sealed.slice(FLOW_COOKIE.length + 1);
    const flipped = `${value.slice(0, -4)}${value.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    expect(readFlow(box, `${FLOW_COOKIE}=${flipped}`)).toBeNull();
    expect(readFlow(createSecretBox(randomBytes(32)), sealed)).toBeNull();
    expect(readFlow(box, sealed, flow.expiresAt + 1)).toBeNull();
  });
});

describe("safeReturnTo", () => {
  it.each([
    ["/apps/web?tab=logs", "/apps/web?tab=logs"],
    [null, "/"],
    ["https://evil.example/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"],
    ["/a\nb", "/"],
    ["apps", "/"],
    ["/auth/oidc/start", "/"],
  ])("%s → %s", (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });
});
