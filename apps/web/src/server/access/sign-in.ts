// Sign-in: charge, verify, audit. Returns the new session or throws a coded error.

import { recordAudit } from "../audit/audit-log";
import type { RefusalTally } from "../audit/refusal-tally";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { decoyHash, verifyPassword } from "./passwords";
import { createSession } from "./sessions";
import { chargeSignInAttempt } from "./sign-in-limiter";

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
  let charge: Awaited<ReturnType<typeof chargeSignInAttempt>>;
  try {
    charge = await chargeSignInAttempt(email, attempt.ip);
  } catch (error) {
    // Attributed to the account when there is one, so only its team's auditors see the attack on it.
    const target = await findAccount(db, email);
    await refusals.record({
      actor: target ? { id: target.id, email: target.email } : null,
      teamId: target?.memberships[0]?.teamId ?? null,
      action: "session.create",
      outcome: "denied",
      ip: attempt.ip,
      details: { email, reason: "rate_limited" },
    });
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
  return { user, teamId };
}

export async function signIn(deps: SignInDeps, attempt: SignInAttempt) {
  const { user, teamId } = await verifyCredentials(deps, attempt);
  const session = await createSession(deps.db, user.id, { ip: attempt.ip, userAgent: attempt.userAgent });
  await recordAudit(deps.db, { actor: user, teamId, action: "session.create", outcome: "success", ip: attempt.ip });
  return session;
}
