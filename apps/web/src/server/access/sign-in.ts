// Sign-in: charge, verify, audit. Returns the new session or throws a coded error.

import { recordAudit } from "../audit/audit-log";
import type { RefusalTally } from "../audit/refusal-tally";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { assertPasswordStands, passwordStamp } from "./password-stamp";
import { decoyHash, verifyPassword } from "./passwords";
import { type SignInOutcome, secondFactorChallenge } from "./second-factor-sign-in";
import { createSession, hashToken } from "./sessions";
import { chargeSignInAttempt } from "./sign-in-limiter";
import { passwordSignInRefusal } from "./sso/sso-settings";

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
}

/** What sign-in needs of the running portal; PortalServices has both. */
export interface SignInDeps {
  db: Db;
  /** Refused sign-ins are audited through it: one event per address and window, with a count. */
  refusals: RefusalTally;
}

const WRONG = "That email and password do not match an active account.";

function findAccount(db: Db, email: string) {
  return db.user.findUnique({
    where: { email },
    include: { memberships: { take: 1, orderBy: { createdAt: "asc" } } },
  });
}

/**
 * Checks an email and password under the sign-in rate limits, auditing refusals; the user on
 * success. Shared by the sign-in page and the CLI's `login --email --password` (which mints a key).
 * The attempt is charged before the password is verified (sign-in-limiter.ts), so concurrent
 * attempts cannot slip past the limit between check and charge.
 */
export async function verifyCredentials({ db, refusals }: SignInDeps, attempt: SignInAttempt) {
  const email = attempt.email.toLowerCase();
  // A refusal before the password is checked, attributed to the account when there is one, so only
  // its team's auditors see the attempts on it.
  const refuseEarly = async (reason: string) => {
    const target = await findAccount(db, email);
    await refusals.record({
      actor: target ? { id: target.id, email: target.email } : null,
      teamId: target?.memberships[0]?.teamId ?? null,
      action: "session.create",
      outcome: "denied",
      ip: attempt.ip,
      details: { email, reason },
    });
  };
  // Password sign-in switched off for all but the break-glass admin (single sign-on settings):
  // refused before any charge or password check, since no password can change the answer.
  const switchedOff = await passwordSignInRefusal(db, email);
  if (switchedOff) {
    await refuseEarly("password_sign_in_off");
    throw new AppError("FORBIDDEN", switchedOff);
  }
  let charge: Awaited<ReturnType<typeof chargeSignInAttempt>>;
  try {
    charge = await chargeSignInAttempt(email, attempt.ip);
  } catch (error) {
    await refuseEarly("rate_limited");
    throw error;
  }
  const user = await findAccount(db, email);
  const ok = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyPassword(await decoyHash(), attempt.password).then(() => false);
  const teamId = user?.memberships[0]?.teamId ?? null;
  if (!user || !ok || user.disabledAt) {
    const reason = !user ? "unknown_email" : !ok ? "wrong_password" : "disabled";
    await refusals.record({
      actor: user ? { id: user.id, email: user.email } : null,
      teamId,
      action: "session.create",
      outcome: "failure",
      ip: attempt.ip,
      details: { email, reason },
    });
    throw new AppError("UNAUTHENTICATED", WRONG);
  }
  await charge.succeeded();
  // Removed from every team: the password is right, but there is nothing left to sign in to.
  if (!teamId) throw new AppError("FORBIDDEN", "Your account belongs to no team any more. Ask an admin for an invite.");
  return { user, teamId };
}

export async function signIn(deps: SignInDeps, attempt: SignInAttempt) {
  const { user, teamId } = await verifyCredentials(deps, attempt);
  return beginSession(deps, { user, teamId, passwordStamp: passwordStamp(user.passwordHash) }, attempt);
}

/**
 * The last step of every sign-in, with a password or with single sign-on (sso/sso-sign-in.ts), once
 * the person is known: the session and its audit event, or, for a person with a second factor, the
 * challenge of the code step (second-factor-sign-in.ts; set its cookie with `signInCookie`). A step
 * every sign-in needs goes here.
 */
export async function beginSession(
  deps: SignInDeps,
  who: {
    user: { id: string; email: string };
    teamId: string | null;
    /** The password this sign-in checked (none for single sign-on): the session stands only if it still is. */
    passwordStamp?: string | undefined;
  },
  meta: { ip: string; userAgent?: string | undefined; details?: Record<string, unknown> },
): Promise<SignInOutcome> {
  const { user, teamId } = who;
  // A person with a second factor gets a challenge for the code step, not a session yet.
  const challenge = await secondFactorChallenge(deps.db, who, meta.details);
  if (challenge) return challenge;
  const session = await createSession(deps.db, user.id, { ip: meta.ip, userAgent: meta.userAgent });
  if (who.passwordStamp) {
    await assertPasswordStands(
      deps.db,
      { user, teamId, sessionId: hashToken(session.token), ip: meta.ip },
      who.passwordStamp,
    );
  }
  await recordAudit(deps.db, {
    actor: user,
    teamId,
    action: "session.create",
    outcome: "success",
    ip: meta.ip,
    ...(meta.details ? { details: meta.details } : {}),
  });
  return { kind: "session", ...session };
}
