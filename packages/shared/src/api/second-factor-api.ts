// The second factor (issue 16, item 5): TOTP codes, recovery codes, enrolment answers and the
// team's required roles. Shared by the Account and Settings pages, the sign-in step and the server.
import { z } from "zod";
import { ROLES, roleSchema } from "../access/roles";

/** How many recovery codes an enrolment (or a regeneration) hands out, each usable once. */
export const RECOVERY_CODE_COUNT = 10;
/** A step-up lasts this long: a host shell or a review asks again once the last proof is older. */
export const STEP_UP_MAX_AGE_MS = 15 * 60 * 1000;

/**
 * What a person types at the prompt: a 6-digit code from their authenticator app, or one of their
 * recovery codes (10 letters and digits, shown as xxxxx-xxxxx). Blanks and dashes are ignored so a
 * pasted "123 456" or "abcde-fghij" is accepted; the server decides which kind it is.
 */
export const secondFactorCodeSchema = z
  .string()
  .max(64, { message: "A code is at most 64 characters." })
  .transform((value) => value.replace(/[\s-]/g, "").toLowerCase())
  .pipe(
    z.string().regex(/^(\d{6}|[a-z0-9]{10})$/, {
      message: "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
    }),
  );

/** Only a code from the app: confirming an enrolment proves the app has the secret. */
export const totpCodeSchema = z
  .string()
  .max(64, { message: "A code is at most 64 characters." })
  .transform((value) => value.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { message: "Enter the 6-digit code your authenticator app shows." }));

export const secondFactorCodeInputSchema = z.object({ code: secondFactorCodeSchema }).strict();
export const totpCodeInputSchema = z.object({ code: totpCodeSchema }).strict();

export const secondFactorStatusSchema = z.object({
  /** An authenticator is enrolled and confirmed. */
  enabled: z.boolean(),
  /** The person's role in their team must use one (Settings → Security). */
  required: z.boolean(),
  /** Unused recovery codes left (0 when not enabled). */
  recoveryCodesLeft: z.number().int().nonnegative(),
  enabledAt: z.string().nullable(),
});
export type SecondFactorStatus = z.infer<typeof secondFactorStatusSchema>;

/** Starting an enrolment: the secret three ways (QR code, otpauth URI, text to type in). */
export const secondFactorEnrolmentSchema = z.object({
  otpauthUri: z.string(),
  /** The otpauth URI as an SVG QR code, made on the server. */
  qrSvg: z.string(),
  /** The Base32 secret, grouped in fours for typing into an app by hand. */
  secret: z.string(),
});
export type SecondFactorEnrolment = z.infer<typeof secondFactorEnrolmentSchema>;

/** Shown once, after confirming an enrolment or regenerating: only their SHA-256 is kept. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()).length(RECOVERY_CODE_COUNT) });

export const secondFactorPolicySchema = z
  .object({
    roles: z
      .array(roleSchema)
      .max(ROLES.length)
      .refine((roles) => new Set(roles).size === roles.length, { message: "Name each role once." }),
  })
  .strict();
export type SecondFactorPolicy = z.infer<typeof secondFactorPolicySchema>;
