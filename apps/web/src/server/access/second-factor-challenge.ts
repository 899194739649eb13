// Between a correct password (or a provider's answer) and the second factor's code, the browser
// holds a challenge instead of a session: who signed in, sealed with SECRET_KEY (AES-256-GCM, so it
// can be neither read nor forged), httpOnly, SameSite=Strict, 5 minutes, sent only to the tRPC
// endpoint that takes the code. It grants nothing by itself: the code is checked against the
// person's factor, under the factor's rate limit and replay rule.
import { parse, serialize } from "cookie";
import { z } from "zod";
import type { SecretBox } from "../config/secret-box";

export const CHALLENGE_COOKIE = "wheelhouse_second_factor";
const CHALLENGE_PATH = "/api/trpc";
export const CHALLENGE_LIFETIME_MS = 5 * 60_000;

const challengeSchema = z.object({
  userId: z.string().min(1).max(100),
  teamId: z.string().max(100).nullable(),
  /** The first step's audit details (how the person signed in), written with the session's event. */
  details: z.record(z.string(), z.unknown()).optional(),
  /** The password the first step checked (password-stamp.ts); absent after single sign-on. */
  passwordStamp: z.string().max(64).optional(),
  expiresAt: z.number(),
});
export type SignInChallenge = z.infer<typeof challengeSchema>;

export function challengeCookie(secrets: SecretBox, challenge: SignInChallenge, secure: boolean): string {
  return serialize(CHALLENGE_COOKIE, secrets.seal(JSON.stringify(challenge)), {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: CHALLENGE_PATH,
    maxAge: CHALLENGE_LIFETIME_MS / 1000,
  });
}

export function clearedChallengeCookie(secure: boolean): string {
  return serialize(CHALLENGE_COOKIE, "", {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: CHALLENGE_PATH,
    maxAge: 0,
  });
}

/** This browser's challenge, or null when the cookie is missing, forged, unreadable or expired. */
export function readChallenge(
  secrets: SecretBox,
  cookieHeader: string | undefined,
  now = Date.now(),
): SignInChallenge | null {
  const sealed = cookieHeader ? parse(cookieHeader)[CHALLENGE_COOKIE] : undefined;
  if (!sealed) return null;
  let value: unknown;
  try {
    value = JSON.parse(secrets.open(sealed));
  } catch {
    // Tampered with, or sealed under another SECRET_KEY: as good as no cookie.
    return null;
  }
  const parsed = challengeSchema.safeParse(value);
  if (!parsed.success || parsed.data.expiresAt <= now) return null;
  return parsed.data;
}
