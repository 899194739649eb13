import { linkTokenSchema } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { linkState, linkUrl, newLinkToken, refusalSentence } from "./account-links";
import { createLinkLimiter } from "./link-limiter";

const NOW = Date.parse("2026-12-02T10:00:00Z");
const fresh = { kind: "invite", usedAt: null, revokedAt: null, expiresAt: new Date(NOW + 60_000) };

describe("linkState", () => {
  it("is valid only while unused, unrevoked and unexpired, and of the kind asked for", () => {
    expect(linkState(fresh, "invite", NOW)).toBe("valid");
    expect(linkState(fresh, "reset", NOW)).toBe("unknown");
    expect(linkState(null, "invite", NOW)).toBe("unknown");
    expect(linkState({ ...fresh, expiresAt: new Date(NOW) }, "invite", NOW)).toBe("expired");
    expect(linkState({ ...fresh, revokedAt: new Date(NOW - 1) }, "invite", NOW)).toBe("revoked");
  });

  it("says used (not expired) for a link used and since expired: what happened to it", () => {
    const usedLate = { ...fresh, usedAt: new Date(NOW - 5_000), expiresAt: new Date(NOW - 1_000) };
    expect(linkState(usedLate, "invite", NOW)).toBe("used");
    expect(refusalSentence("invite", "used")).toMatch(/already used/);
  });
});

describe("tokens and links", () => {
  it("makes 32 random bytes as base64url, which the input schema accepts", () => {
    const token = newLinkToken();
    expect(linkTokenSchema.parse(token)).toBe(token);
    expect(newLinkToken()).not.toBe(token);
    expect(linkTokenSchema.safeParse(`${token}x`).success).toBe(false);
  });

  it("puts each kind under its page, without a doubled slash", () => {
    expect(linkUrl("https://ops.example.com/", "invite", "abc")).toBe("https://ops.example.com/invite/abc");
    expect(linkUrl("http://127.0.0.1:3000", "reset", "abc")).toBe("http://127.0.0.1:3000/reset/abc");
  });
});

describe("link limiter", () => {
  it("refuses an address past its budget with a sentence, and a usable link gives its charge back", async () => {
    const limiter = createLinkLimiter(3, 60);
    for (let i = 0; i < 3; i++) await limiter.charge("10.0.0.1");
    await expect(limiter.charge("10.0.0.1")).rejects.toThrow(/Too many attempts .* Try again in 1 minute\./);
    await expect(limiter.charge("10.0.0.2")).resolves.toBeDefined();

    const other = createLinkLimiter(2, 60);
    for (let i = 0; i < 5; i++) await (await other.charge("10.0.0.3")).succeeded();
    await expect(other.charge("10.0.0.3")).resolves.toBeDefined();
  });
});
