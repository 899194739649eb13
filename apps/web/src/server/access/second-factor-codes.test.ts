// The TOTP and recovery-code rules with the clock passed in: codes of the steps around now are
// accepted, others refused; a step already used is refused as a replay; recovery codes are ten
// distinct codes whose stored hash ignores how they were typed.
import { RECOVERY_CODE_COUNT, secondFactorCodeSchema } from "@wheelhouse/shared";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import {
  checkTotp,
  hashRecoveryCode,
  isTotpCode,
  newRecoveryCodes,
  newTotpSecret,
  otpauthUri,
} from "./second-factor-codes";
import { secondFactorRefusal } from "./second-factor-gate";
import { stepUpDue } from "./second-factor-policy";

const T0 = new Date("2026-12-02T10:00:15Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const codeAt = (secret: string, when: Date) => generate({ secret, epoch: Math.floor(when.getTime() / 1000) });

describe("checkTotp", () => {
  const secret = newTotpSecret();

  it("accepts the current code and those of the steps just before and after", async () => {
    const now = await checkTotp(secret, await codeAt(secret, T0), T0, null);
    expect(now).toEqual({ ok: true, step: Math.floor(T0.getTime() / 30_000) });
    expect((await checkTotp(secret, await codeAt(secret, at(-30)), T0, null)).ok).toBe(true);
    expect((await checkTotp(secret, await codeAt(secret, at(30)), T0, null)).ok).toBe(true);
  });

  it("refuses a code two steps away and a code of another secret", async () => {
    expect(await checkTotp(secret, await codeAt(secret, at(-75)), T0, null)).toEqual({ ok: false, reason: "wrong" });
    expect(await checkTotp(secret, await codeAt(secret, at(75)), T0, null)).toEqual({ ok: false, reason: "wrong" });
    const other = newTotpSecret();
    expect((await checkTotp(secret, await codeAt(other, T0), T0, null)).ok).toBe(false);
  });

  it("refuses a right code of a step already used, and of an earlier one", async () => {
    const code = await codeAt(secret, T0);
    const first = await checkTotp(secret, code, T0, null);
    if (!first.ok) throw new Error("the first use should pass");
    expect(await checkTotp(secret, code, at(5), first.step)).toEqual({ ok: false, reason: "replayed" });
    const previous = await codeAt(secret, at(-30));
    expect(await checkTotp(secret, previous, T0, first.step)).toEqual({ ok: false, reason: "replayed" });
    // The next step's code is still good.
    expect((await checkTotp(secret, await codeAt(secret, at(30)), at(30), first.step)).ok).toBe(true);
  });

  it("makes an otpauth URI an authenticator app reads", () => {
    const uri = new URL(otpauthUri(secret, "ada@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Wheelhouse");
    expect(decodeURIComponent(uri.pathname)).toContain("ada@example.com");
  });
});

describe("recovery codes", () => {
  it("are ten distinct codes that pass the prompt's schema and are not app codes", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      const parsed = secondFactorCodeSchema.parse(code);
      expect(isTotpCode(parsed)).toBe(false);
    }
  });

  it("hash the same however they are typed, and differently from each other", () => {
    const [code = "", other = ""] = newRecoveryCodes();
    expect(hashRecoveryCode(code)).toBe(hashRecoveryCode(` ${code.toUpperCase().replace("-", " - ")} `));
    expect(hashRecoveryCode(code)).not.toBe(hashRecoveryCode(other));
  });
});

describe("the gate's second-factor rules", () => {
  const fresh = { enabled: true, required: true, provedAt: at(-60) };

  it("asks for a step-up before a host shell or a review once the proof is over 15 minutes old", () => {
    expect(stepUpDue(fresh, T0)).toBe(false);
    expect(stepUpDue({ ...fresh, provedAt: at(-15 * 60 - 1) }, T0)).toBe(true);
    expect(stepUpDue({ ...fresh, provedAt: null }, T0)).toBe(true);
    const old = { ...fresh, provedAt: at(-16 * 60) };
    expect(secondFactorRefusal(old, "hosts.shell", T0, false)?.code).toBe("STEP_UP_REQUIRED");
    expect(secondFactorRefusal(old, "approvals.review", T0, false)?.code).toBe("STEP_UP_REQUIRED");
    expect(secondFactorRefusal(old, "apps.deploy", T0, false)).toBeNull();
    expect(secondFactorRefusal(fresh, "hosts.shell", T0, false)).toBeNull();
  });

  it("does not ask a person without a factor whose role does not require one", () => {
    const none = { enabled: false, required: false, provedAt: null };
    expect(secondFactorRefusal(none, "hosts.shell", T0, false)).toBeNull();
  });

  it("lets a person who must enrol do nothing but enrol", () => {
    const due = { enabled: false, required: true, provedAt: null };
    expect(secondFactorRefusal(due, "apps.read", T0, false)?.code).toBe("SECOND_FACTOR_SETUP_REQUIRED");
    expect(secondFactorRefusal(due, "auth.step-up", T0, false)?.code).toBe("SECOND_FACTOR_SETUP_REQUIRED");
    expect(secondFactorRefusal(due, "account.second-factor.manage", T0, false)).toBeNull();
  });
});
