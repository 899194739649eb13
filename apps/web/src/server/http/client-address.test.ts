import { describe, expect, it } from "vitest";
import { clientAddress, compileTrustedProxies } from "./client-address";

describe("clientAddress", () => {
  const none = compileTrustedProxies([]);
  const loopback = compileTrustedProxies(["127.0.0.1"]);
  const chain = compileTrustedProxies(["127.0.0.1", "10.0.0.0/8"]);

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "203.0.113.7" }, none)).toBe("127.0.0.1");
    expect(clientAddress("198.51.100.1", { "x-forwarded-for": "203.0.113.7" }, loopback)).toBe("198.51.100.1");
  });

  it("believes a trusted proxy's last hop, never the entries a client wrote before it", () => {
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "203.0.113.7" }, loopback)).toBe("203.0.113.7");
    // The client claims 192.0.2.1; the proxy appended the address it really saw.
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "192.0.2.1, 203.0.113.7" }, loopback)).toBe("203.0.113.7");
  });

  it("walks a chain of trusted proxies and stops at the first untrusted address", () => {
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "203.0.113.7, 10.1.2.3" }, chain)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", { "x-forwarded-for": "203.0.113.7, 10.1.2.3" }, loopback)).toBe("10.1.2.3");
  });

  it("answers the socket's peer without the header, and 'unknown' once the socket is gone", () => {
    expect(clientAddress("::1", {}, loopback)).toBe("::1");
    expect(clientAddress(undefined, { "x-forwarded-for": "203.0.113.7" }, loopback)).toBe("unknown");
  });
});
