import { describe, expect, it } from "vitest";
import {
  certificatePath,
  directoryLabel,
  eventWords,
  hasServedCertificate,
  issuerLabel,
  POLL_WHILE_ORDERING_MS,
  pollWhileOrdering,
  presetOf,
  shortened,
  withKeys,
} from "./format";

const day = (iso: string) => iso.slice(0, 10);

describe("pollWhileOrdering", () => {
  it("polls while a shown certificate is Pending or Renewing, and not otherwise", () => {
    expect(pollWhileOrdering([{ status: "Active" }, { status: "Pending" }])).toBe(POLL_WHILE_ORDERING_MS);
    expect(pollWhileOrdering([{ status: "Renewing" }])).toBe(POLL_WHILE_ORDERING_MS);
    expect(pollWhileOrdering([{ status: "Active" }, { status: "Failed" }, { status: "Expired" }])).toBe(false);
    expect(pollWhileOrdering([])).toBe(false);
    expect(pollWhileOrdering(undefined)).toBe(false);
  });
});

describe("hasServedCertificate", () => {
  const now = Date.parse("2026-12-02T00:00:00Z");
  const later = "2027-03-01T00:00:00.000Z";
  const earlier = "2026-11-01T00:00:00.000Z";

  it("is true once a certificate is issued and still valid, also while it renews or a renewal failed", () => {
    expect(hasServedCertificate([{ status: "Active", notAfter: later }], now)).toBe(true);
    expect(hasServedCertificate([{ status: "Renewing", notAfter: later }], now)).toBe(true);
    expect(hasServedCertificate([{ status: "Failed", notAfter: later }], now)).toBe(true);
  });

  it("is false before the first issue, after expiry, and with no certificate", () => {
    expect(hasServedCertificate([{ status: "Pending", notAfter: null }], now)).toBe(false);
    expect(hasServedCertificate([{ status: "Failed", notAfter: null }], now)).toBe(false);
    expect(hasServedCertificate([{ status: "Active", notAfter: earlier }], now)).toBe(false);
    expect(hasServedCertificate([{ status: "Expired", notAfter: earlier }], now)).toBe(false);
    expect(hasServedCertificate([], now)).toBe(false);
  });
});

describe("directories", () => {
  it("recognises Let's Encrypt's two directories and calls anything else custom, by its host", () => {
    expect(presetOf("https://acme-v02.api.letsencrypt.org/directory")).toBe("letsencrypt");
    expect(presetOf("https://acme-staging-v02.api.letsencrypt.org/directory")).toBe("letsencrypt-staging");
    expect(presetOf("https://127.0.0.1:14000/dir")).toBe("custom");
    expect(directoryLabel("https://acme-staging-v02.api.letsencrypt.org/directory")).toBe("Let's Encrypt staging");
    expect(directoryLabel("https://127.0.0.1:14000/dir")).toBe("127.0.0.1:14000");
  });
});

describe("issuerLabel", () => {
  it("names the organisation and the issuing CA, or whichever of them the name has", () => {
    expect(issuerLabel("C=US, O=Let's Encrypt, CN=R3")).toBe("Let's Encrypt (R3)");
    expect(issuerLabel("CN=Pebble Intermediate CA 6b2c1e")).toBe("Pebble Intermediate CA 6b2c1e");
    expect(issuerLabel("C=US, O=Example, Inc., CN=Example CA")).toBe("Example, Inc. (Example CA)");
    expect(issuerLabel("something odd")).toBe("something odd");
  });
});

describe("shortened", () => {
  it("leaves a short text alone and cuts a long one at a word, with an ellipsis", () => {
    expect(shortened("Connection refused", 40)).toBe("Connection refused");
    const detail =
      "Invalid response from http://shop.example.com/.well-known/acme-challenge/abc: 404, while fetching the key authorization";
    const short = shortened(detail, 60);
    expect(short.length).toBeLessThanOrEqual(61);
    expect(short.endsWith("…")).toBe(true);
    expect(detail.startsWith(short.slice(0, -1))).toBe(true);
    expect(short).not.toMatch(/[\s,:]…$/);
  });
});

describe("eventWords", () => {
  it("says who asked, and whether it was a renewal", () => {
    expect(eventWords({ kind: "requested", details: { by: "olga@example.com" } }, day)).toBe(
      "Certificate asked for by olga@example.com",
    );
    expect(eventWords({ kind: "requested", details: { by: "olga@example.com", renewal: true } }, day)).toBe(
      "Renewal asked for by olga@example.com",
    );
  });

  it("gives an issued certificate's issuer, validity and serial", () => {
    const words = eventWords(
      {
        kind: "issued",
        details: {
          serial: "0a1b",
          issuer: "C=US, O=Let's Encrypt, CN=R3",
          notBefore: "2026-12-01T10:00:00.000Z",
          notAfter: "2027-03-01T10:00:00.000Z",
        },
      },
      day,
    );
    expect(words).toBe("Issued by Let's Encrypt (R3), valid from 2026-12-01 to 2027-03-01, serial 0a1b");
  });

  it("keeps a failure's ACME problem verbatim and says when the next try is", () => {
    const words = eventWords(
      {
        kind: "failed",
        details: {
          type: "urn:ietf:params:acme:error:connection",
          detail: "Connection refused",
          nextAttemptAt: "2026-12-02T10:05:00.000Z",
        },
      },
      day,
    );
    expect(words).toBe("Order failed — urn:ietf:params:acme:error:connection: Connection refused. Next try 2026-12-02");
    const sentence = eventWords(
      {
        kind: "failed",
        details: { type: "wheelhouse:no-agent", detail: "No agent.", nextAttemptAt: "2026-12-02T10:05:00.000Z" },
      },
      day,
    );
    expect(sentence).toBe("Order failed — wheelhouse:no-agent: No agent. Next try 2026-12-02");
    // pebble's detail ends its sentence and a line; one full stop, one space before "Next try".
    const pebble = eventWords(
      {
        kind: "failed",
        details: {
          type: "urn:ietf:params:acme:error:unauthorized",
          detail: "The key authorization file from the server did not match this challenge.\n",
          nextAttemptAt: "2026-12-02T10:05:00.000Z",
        },
      },
      day,
    );
    expect(pebble).toBe(
      "Order failed — urn:ietf:params:acme:error:unauthorized: The key authorization file from the server did not match this challenge. Next try 2026-12-02",
    );
    const quoted = eventWords(
      { kind: "failed", details: { type: "x", detail: 'Said "no."', nextAttemptAt: "2026-12-02T10:05:00.000Z" } },
      day,
    );
    expect(quoted).toBe('Order failed — x: Said "no." Next try 2026-12-02');
  });

  it("shows the details of a kind it does not know rather than nothing", () => {
    expect(eventWords({ kind: "revoked", details: { reason: "key compromise" } }, day)).toBe("reason: key compromise");
    expect(eventWords({ kind: "revoked", details: {} }, day)).toBe("revoked");
  });
});

describe("certificatePath", () => {
  it("puts the domain in the path", () => {
    expect(certificatePath("shop.example.com")).toBe("/certificates/shop.example.com");
  });
});

describe("withKeys", () => {
  it("keys items by their contents and numbers the ones that read the same", () => {
    const keys = withKeys(["a", "b", "a", "a"], (item) => item).map(({ key }) => key);
    expect(keys).toEqual(["a", "b", "a#1", "a#2"]);
  });
});
