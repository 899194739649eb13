// The arithmetic of the second factor, free of the database and of the clock (callers pass `now`):
// TOTP secrets and codes (RFC 6238 through otplib: SHA-1, 6 digits, 30 s, as every authenticator
// app expects), the replay rule, and recovery codes (only their SHA-256 is ever stored).
import { createHash, randomInt } from "node:crypto";
import { RECOVERY_CODE_COUNT } from "@wheelhouse/shared";
import { generateSecret, generateURI, verify } from "otplib";

const PERIOD_SECONDS = 30;
/** A code from the step before or after now is accepted: phones' clocks drift by a few seconds. */
const TOLERANCE_SECONDS = PERIOD_SECONDS;
const ISSUER = "Wheelhouse";
/** Recovery codes avoid letters read alike (0/o, 1/l/i). */
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LENGTH = 10;

/** A new TOTP secret: 20 random bytes (160 bits, RFC 4226's recommendation), Base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app reads from the QR code; labelled with the person's email. */
export function otpauthUri(secret: string, email: string): string {
  return generateURI({ issuer: ISSUER, label: email, secret });
}

/** The secret in groups of four, for typing into an app by hand. */
export function groupedSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "wrong" | "replayed" };

/**
 * Checks a 6-digit code against the secret at `now`. `lastStep` is the time step of the last code
 * this person used: a code of that step or an earlier one is refused as replayed even when it is
 * right, so a code seen over a shoulder (or in a proxy's log) cannot be used a second time.
 */
export async function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): Promise<TotpCheck> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
  });
  if (!result.valid || !("timeStep" in result)) return { ok: false, reason: "wrong" };
  if (lastStep !== null && result.timeStep <= lastStep) return { ok: false, reason: "replayed" };
  return { ok: true, step: result.timeStep };
}

/** Whether a normalised code (secondFactorCodeSchema) is an app's code rather than a recovery code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code);
}

/** Ten new recovery codes, shown as xxxxx-xxxxx. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: RECOVERY_LENGTH }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
    return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
  });
}

/** The stored form of a recovery code: SHA-256 of the code without dashes, blanks or capitals. */
export function hashRecoveryCode(code: string): string {
  const normalised = code.replace(/[\s-]/g, "").toLowerCase();
  return createHash("sha256").update(`wheelhouse-recovery-code:${normalised}`).digest("hex");
}
