// The signature receivers verify (docs/webhooks.md): HMAC-SHA256 over `${timestamp}.${body}`.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "./webhook-signature";

const secret = "whsec_test-secret";
const body = JSON.stringify({ id: "d1", type: "webhook.test", summary: "hi" });

describe("signWebhook", () => {
  it("is v1= and the hex HMAC-SHA256 of timestamp, a dot and the body (what the docs' snippets compute)", () => {
    const expected = createHmac("sha256", secret).update(`1767225600.${body}`).digest("hex");
    expect(signWebhook(secret, 1_767_225_600, body)).toBe(`v1=${expected}`);
  });

  it("a known vector, so a change of scheme cannot pass unnoticed", () => {
    expect(signWebhook("key", 1, "{}")).toBe(`v1=${createHmac("sha256", "key").update("1.{}").digest("hex")}`);
    expect(signWebhook("key", 1, "{}")).toMatch(/^v1=[0-9a-f]{64}$/);
  });
});

describe("verifyWebhookSignature", () => {
  const timestamp = 1_767_225_600;
  const signature = signWebhook(secret, timestamp, body);

  it("accepts the delivery as sent", () => {
    expect(verifyWebhookSignature(secret, String(timestamp), body, signature)).toBe(true);
  });

  it.each([
    ["another secret", "whsec_other", String(timestamp), body, signature],
    ["a changed body", secret, String(timestamp), body.replace("hi", "ho"), signature],
    ["a changed timestamp (a replay made to look fresh)", secret, String(timestamp + 1), body, signature],
    ["a timestamp that is not a number", secret, "12a", body, signature],
    ["a truncated signature", secret, String(timestamp), body, signature.slice(0, -2)],
    ["no signature", secret, String(timestamp), body, ""],
  ])("refuses %s", (_case, key, stamp, text, given) => {
    expect(verifyWebhookSignature(key, stamp, text, given)).toBe(false);
  });
});
