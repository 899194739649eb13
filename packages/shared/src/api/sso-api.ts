// Single sign-on with OpenID Connect (issue 16): the settings an admin saves (one provider per
// portal), what every page may know (whether SSO is on and the button's label), and the short error
// codes the callback puts in its redirect to the sign-in page, each with the sentence shown there.
import { z } from "zod";
import { emailSchema } from "../access/credentials";
import { ROLES } from "../access/roles";

/** Loopback hosts, the only ones an issuer may be reached on without TLS. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * https, except on loopback: tests run a real provider on 127.0.0.1 without a certificate, and a
 * provider on the same machine is not on the network. Anywhere else the ID token and the client
 * secret would cross the network in clear.
 */
export function isAllowedIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.search || url.hash || url.username || url.password) return false;
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}

export const issuerUrlSchema = z
  .string()
  .trim()
  .max(2_048, "An issuer URL is at most 2048 characters.")
  .refine(isAllowedIssuerUrl, {
    message:
      "Give the provider's issuer URL starting with https:// (http:// only on 127.0.0.1 or localhost), without a query.",
  });

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const emailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(DOMAIN, { message: "An allowed domain is a domain name such as example.com." });

export const PASSWORD_SIGN_IN = ["everyone", "break-glass"] as const;

export const roleMappingSchema = z
  .object({
    group: z.string().trim().min(1, "Name the group.").max(200, "A group name is at most 200 characters."),
    role: z.enum(ROLES),
  })
  .strict();
export type RoleMapping = z.infer<typeof roleMappingSchema>;

/** What an admin saves. A missing client secret keeps the one saved before (it is never shown). */
export const ssoSettingsInputSchema = z
  .object({
    issuerUrl: issuerUrlSchema,
    clientId: z.string().trim().min(1, "Enter the client id.").max(512, "A client id is at most 512 characters."),
    clientSecret: z
      .string()
      .min(1, "Enter the client secret, or leave it out to keep the saved one.")
      .max(2_048, "A client secret is at most 2048 characters.")
      .optional(),
    displayName: z
      .string()
      .trim()
      .min(1, "Name the provider for the sign-in button.")
      .max(60, "A provider name is at most 60 characters."),
    allowedDomains: z.array(emailDomainSchema).max(50, "At most 50 allowed domains."),
    groupsClaim: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.:/-]{1,100}$/, { message: "The groups claim is a claim name such as groups." }),
    roleMapping: z.array(roleMappingSchema).max(100, "At most 100 group mappings."),
    defaultRole: z.enum(ROLES).nullable(),
    passwordSignIn: z.enum(PASSWORD_SIGN_IN),
    breakGlassEmail: emailSchema.nullable(),
  })
  .strict()
  .refine((input) => input.passwordSignIn === "everyone" || input.breakGlassEmail !== null, {
    message: "Name the break-glass admin who may still sign in with a password.",
    path: ["breakGlassEmail"],
  });
export type SsoSettingsInput = z.input<typeof ssoSettingsInputSchema>;

/** The settings in use, as an admin reads them: never the secret, only whether one is set. */
export const ssoSettingsAnswerSchema = z.object({
  source: z.enum(["settings", "environment", "off"]),
  issuerUrl: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean(),
  displayName: z.string(),
  allowedDomains: z.array(z.string()),
  groupsClaim: z.string(),
  roleMapping: z.array(roleMappingSchema),
  defaultRole: z.enum(ROLES).nullable(),
  passwordSignIn: z.enum(PASSWORD_SIGN_IN),
  breakGlassEmail: z.string().nullable(),
  /** The redirect URI to register at the provider. */
  callbackUrl: z.string(),
});
export type SsoSettingsAnswer = z.infer<typeof ssoSettingsAnswerSchema>;

/** For the sign-in page, before anyone is signed in. */
export const ssoStatusSchema = z.object({
  enabled: z.boolean(),
  label: z.string().nullable(),
  passwordSignIn: z.enum(PASSWORD_SIGN_IN),
});

/** The callback's refusals, by the code it puts in `/sign-in?sso_error=`; never the provider's text. */
export const SSO_ERRORS = {
  off: "Single sign-on is not set up on this portal. Sign in with your password.",
  state: "That sign-in could not be matched to one started here (it was forged, expired or already used). Start again.",
  provider: "The identity provider did not complete the sign-in. Try again, or ask an admin to check the settings.",
  "no-email": "The identity provider did not give an email address for you. Ask an admin to check the settings.",
  unverified: "The identity provider has not verified your email address. Verify it there, then try again.",
  domain: "Your email address's domain may not sign in to this portal. Ask an admin to allow it.",
  "no-role": "None of your groups gives you a role in this portal. Ask an admin to map one of your groups.",
  disabled: "Your account is disabled. Ask an admin of your team to enable it.",
  "no-team": "This portal has no team yet. Its first admin must finish setting it up.",
  "rate-limited": "Too many sign-in attempts from your address. Try again in a few minutes.",
} as const;
export type SsoErrorCode = keyof typeof SSO_ERRORS;

export function ssoErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return code in SSO_ERRORS ? SSO_ERRORS[code as SsoErrorCode] : SSO_ERRORS.provider;
}
