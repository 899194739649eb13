import { describe, expect, it } from "vitest";
import { expiresSoon, renewalTime, retryTime } from "./certificate-schedule";

const DAY = 24 * 60 * 60 * 1_000;
const at = (iso: string) => new Date(iso);

describe("renewalTime", () => {
  it("renews a 90-day certificate 30 days before it expires", () => {
    expect(renewalTime(at("2026-01-01T00:00:00Z"), at("2026-04-01T00:00:00Z"))).toEqual(at("2026-03-02T00:00:00Z"));
  });

  it("renews a one-year certificate 30 days before it expires, not at two thirds", () => {
    const notAfter = at("2027-01-01T00:00:00Z");
    expect(renewalTime(at("2026-01-01T00:00:00Z"), notAfter)).toEqual(new Date(notAfter.getTime() - 30 * DAY));
  });

  it("renews a short-lived certificate at two thirds of its lifetime", () => {
    const notBefore = at("2026-01-01T00:00:00Z");
    expect(renewalTime(notBefore, new Date(notBefore.getTime() + 6 * DAY))).toEqual(
      new Date(notBefore.getTime() + 4 * DAY),
    );
    // Pebble's test certificates can live minutes: the same rule holds.
    expect(renewalTime(notBefore, new Date(notBefore.getTime() + 90_000))).toEqual(
      new Date(notBefore.getTime() + 60_000),
    );
  });
});

describe("retryTime", () => {
  const now = at("2026-06-01T12:00:00Z");

  it("doubles the initial delay with each failure in a row, up to a day", () => {
    const delays = [1, 2, 3, 4, 12, 40].map(
      (failures) => retryTime(now, failures, 300_000, null).getTime() - now.getTime(),
    );
    expect(delays).toEqual([300_000, 600_000, 1_200_000, 2_400_000, DAY, DAY]);
  });

  it("never retries before the CA's Retry-After", () => {
    const retryAfter = at("2026-06-01T15:00:00Z");
    expect(retryTime(now, 1, 300_000, retryAfter)).toEqual(retryAfter);
    expect(retryTime(now, 1, 300_000, at("2026-06-01T12:01:00Z"))).toEqual(at("2026-06-01T12:05:00Z"));
  });
});

describe("expiresSoon", () => {
  const now = at("2026-06-01T00:00:00Z");
  it("is true within 14 days of expiry and false before, or once expired", () => {
    expect(expiresSoon(at("2026-06-14T00:00:00Z"), now)).toBe(true);
    expect(expiresSoon(at("2026-06-15T00:00:00Z"), now)).toBe(true);
    expect(expiresSoon(at("2026-06-16T00:00:00Z"), now)).toBe(false);
    expect(expiresSoon(at("2026-05-31T00:00:00Z"), now)).toBe(false);
  });
});
