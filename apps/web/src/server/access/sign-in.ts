// Sign-in: verify, rate-limit, audit. Returns the new session or throws a coded error.

import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { decoyHash, verifyPassword } from "./passwords";
import { createSession } from "./sessions";
import { assertMaySignIn, recordFailedSignIn, recordSuccessfulSignIn } from "./sign-in-limiter";

export interface SignInAttempt {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
}

const WRONG = "That email and password do not match an active account.";

/**
 * Checks an email and password under the sign-in rate limits, auditing refusals; the user on
 * success. Shared by the sign-in page and the CLI's `login --email --password` (which mints a key).
 */
export async function verifyCredentials(db: Db, attempt: SignInAttempt) {
  const email = attempt.email.toLowerCase();
  try {
    await assertMaySignIn(email, attempt.ip);
  } catch (error) {
    await recordAudit(db, {
      action: "session.create",
      outcome: "denied",
      ip: attempt.ip,
      details: { email, reason: "rate_limited" },
    });
    throw error;
  }
  const user = await db.user.findUnique({
    where: { email },
    include: { memberships: { take: 1, orderBy: { createdAt: "asc" } } },
  });
  const ok = user
    ? await verifyPassword(user.passwordHash, attempt.password)
    : await verifyPassword(await decoyHash(), attempt.password).then(() => false);
  const teamId = user?.memberships[0]?.teamId ?? null;
  if (!user || !ok || user.disabledAt) {
    await recordFailedSignIn(email, attempt.ip);
    const reason = !user ? "unknown_email" : !ok ? "wrong_password" : "disabled";
    await recordAudit(db, {
      actor: user ? { id: user.id, email: user.email } : null,
      teamId,
      action: "session.create",
      outcome: "failure",
      ip: attempt.ip,
      details: { email, reason },
    });
    throw new AppError("UNAUTHENTICATED", WRONG);
  }
  await recordSuccessfulSignIn(email, attempt.ip);
  return { user, teamId };
}

export async function signIn(db: Db, attempt: SignInAttempt) {
  const { user, teamId } = await verifyCredentials(db, attempt);
  const session = await createSession(db, user.id, { ip: attempt.ip, userAgent: attempt.userAgent });
  await recordAudit(db, { actor: user, teamId, action: "session.create", outcome: "success", ip: attempt.ip });
  return session;
}
