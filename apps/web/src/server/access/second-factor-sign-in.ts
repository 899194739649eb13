// Sign-in's second step. beginSession (sign-in.ts), the last step of every sign-in (password or
// single sign-on), asks `secondFactorChallenge` first: a person with an enabled factor gets a sealed
// challenge cookie instead of a session, and `completeSecondFactorSignIn` turns it into a session
// (proved now) once a code from their app, or one of their recovery codes, checks out.
import { recordAudit } from "../audit/audit-log";
import type { RefusalTally } from "../audit/refusal-tally";
import type { SecretBox } from "../config/secret-box";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { assertPasswordStands } from "./password-stamp";
import { verifySecondFactor } from "./second-factor";
import {
  CHALLENGE_LIFETIME_MS,
  challengeCookie,
  clearedChallengeCookie,
  readChallenge,
  type SignInChallenge,
} from "./second-factor-challenge";
import { sessionCookie } from "./session-cookie";
import { createSession, hashToken } from "./sessions";

export type SignInOutcome =
  | { kind: "session"; token: string; expiresAt: Date }
  | { kind: "second-factor"; challenge: SignInChallenge };

/** The challenge for a person with an enabled factor, or null when a session may start now. */
export async function secondFactorChallenge(
  db: Db,
  who: { user: { id: string }; teamId: string | null; passwordStamp?: string | undefined },
  details: Record<string, unknown> | undefined,
  now = Date.now(),
): Promise<SignInOutcome | null> {
  const factor = await db.secondFactor.findUnique({ where: { userId: who.user.id }, select: { enabledAt: true } });
  if (!factor?.enabledAt) return null;
  return {
    kind: "second-factor",
    challenge: {
      userId: who.user.id,
      teamId: who.teamId,
      ...(details ? { details } : {}),
      ...(who.passwordStamp ? { passwordStamp: who.passwordStamp } : {}),
      expiresAt: now + CHALLENGE_LIFETIME_MS,
    },
  };
}

/** The Set-Cookie a sign-in answers with: the session's, or the challenge's for the code step. */
export function signInCookie(secrets: SecretBox, outcome: SignInOutcome, secure: boolean): string {
  return outcome.kind === "session"
    ? sessionCookie(outcome.token, outcome.expiresAt, secure)
    : challengeCookie(secrets, outcome.challenge, secure);
}

const EXPIRED = "Your sign-in has expired. Enter your email and password again.";

/**
 * The code step: the challenge must be this browser's and current, the code right (and not
 * replayed) under the factor's rate limit. Answers the session's cookie and the cleared challenge.
 */
export async function completeSecondFactorSignIn(
  services: { db: Db; secrets: SecretBox; refusals: RefusalTally },
  request: {
    cookieHeader: string | undefined;
    code: string;
    ip: string;
    userAgent?: string | undefined;
    secure: boolean;
  },
): Promise<{ cookies: string[] }> {
  const { db } = services;
  const challenge = readChallenge(services.secrets, request.cookieHeader);
  const user = challenge
    ? await db.user.findUnique({ where: { id: challenge.userId }, select: { id: true, email: true, disabledAt: true } })
    : null;
  if (!challenge || !user || user.disabledAt) {
    // Nobody proved a password here: anonymous noise, one event per address and window, with a count.
    await services.refusals.record({
      actor: null,
      teamId: null,
      action: "session.create",
      outcome: "denied",
      ip: request.ip,
      details: { reason: challenge ? "account gone or disabled" : "no or expired challenge", stage: "second factor" },
    });
    throw new AppError("UNAUTHENTICATED", EXPIRED);
  }
  const now = new Date();
  const { method } = await verifySecondFactor(
    services,
    { user, teamId: challenge.teamId, ip: request.ip, action: "session.create", now },
    request.code,
  );
  const session = await createSession(db, user.id, {
    ip: request.ip,
    userAgent: request.userAgent,
    secondFactorAt: now,
  });
  if (challenge.passwordStamp) {
    // The code step may come minutes after the password: a change or reset meanwhile wins.
    await assertPasswordStands(
      db,
      { user, teamId: challenge.teamId, sessionId: hashToken(session.token), ip: request.ip },
      challenge.passwordStamp,
    );
  }
  await recordAudit(db, {
    actor: user,
    teamId: challenge.teamId,
    action: "session.create",
    outcome: "success",
    ip: request.ip,
    details: { ...challenge.details, secondFactor: method },
  });
  // The session's cookie first: clients that keep one cookie from an answer keep that one.
  return {
    cookies: [sessionCookie(session.token, session.expiresAt, request.secure), clearedChallengeCookie(request.secure)],
  };
}
