// When --wait may stop: only on the outcome of the order the command asked for, never on a state
// left over from before it (a previous failure read back, or an Active certificate not yet renewed).
import type { CertificateSummary } from "@wheelhouse/shared";
import { describe, expect, it } from "vitest";
import { commonName, describeEvent } from "./certificate-text";
import { isOutcomeOf } from "./watch-certificate";

const T0 = "2026-11-22T10:00:00.000Z";
const LATER = "2026-11-22T10:00:08.500Z";

function certificate(status: CertificateSummary["status"], updatedAt: string): CertificateSummary {
  return {
    id: "cert_1",
    domain: "shop.example.com",
    app: { id: "app_shop", name: "shop" },
    source: "acme",
    status,
    notBefore: null,
    notAfter: null,
    issuer: null,
    renewAt: null,
    error: status === "Failed" ? { type: "urn:ietf:params:acme:error:unauthorized", detail: "404" } : null,
    nextAttemptAt: null,
    failures: 0,
    updatedAt,
  };
}

describe("isOutcomeOf", () => {
  it.each([
    ["Pending", "Active", T0, true],
    ["Pending", "Failed", T0, true],
    ["Renewing", "Active", LATER, true],
    ["Renewing", "Failed", LATER, true],
    ["Pending", "Pending", LATER, false],
    ["Renewing", "Renewing", LATER, false],
    // Marked Expired by the expiry pass while the renewal runs: that order has not ended.
    ["Renewing", "Expired", LATER, false],
  ] as const)("requested %s, read %s: %s", (requested, read, updatedAt, expected) => {
    expect(isOutcomeOf(certificate(read, updatedAt), certificate(requested, T0))).toBe(expected);
  });

  it("an answer that was already Failed counts as the outcome only once the certificate is written again", () => {
    const answered = certificate("Failed", T0);
    expect(isOutcomeOf(certificate("Failed", T0), answered)).toBe(false);
    expect(isOutcomeOf(certificate("Failed", LATER), answered)).toBe(true);
    expect(isOutcomeOf(certificate("Active", T0), certificate("Active", T0))).toBe(false);
    expect(isOutcomeOf(certificate("Active", LATER), certificate("Active", T0))).toBe(true);
  });
});

describe("certificate text", () => {
  it("names an issuer by its CN in tables, and keeps a name without one whole", () => {
    expect(commonName("C=US, O=Let's Encrypt, CN=R11")).toBe("R11");
    expect(commonName("CN=Pebble Intermediate CA 6b2c1e")).toBe("Pebble Intermediate CA 6b2c1e");
    expect(commonName("O=Example Corp")).toBe("O=Example Corp");
  });

  it("describes a failure in the history with the CA's type and detail, escape sequences dropped", () => {
    expect(
      describeEvent("failed", {
        type: "urn:ietf:params:acme:error:rateLimited",
        detail: "too many certificates\u001b[2J already issued",
        nextAttemptAt: "2026-11-23T10:00:00.000Z",
      }),
    ).toBe(
      "urn:ietf:params:acme:error:rateLimited: too many certificates already issued (next try 2026-11-23 10:00:00 UTC)",
    );
    expect(describeEvent("requested", { by: "ada@example.com", renewal: true })).toBe(
      "renewal asked by ada@example.com",
    );
    expect(describeEvent("uploaded", { by: "ada@example.com", names: ["a"] })).toBe("by ada@example.com");
  });
});
