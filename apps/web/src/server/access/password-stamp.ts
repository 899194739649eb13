// A sign-in checks a password, then starts a session a moment later (after Argon2, or after the
// second factor's code step, minutes later). A password change or reset in between ends every
// other session, but not one that did not exist yet: without this check, a sign-in with the old
// password that lost the race would keep a session the change meant to end. The stamp names the
// password that was checked; the new session stands only if that is still the password.
import { createHash } from "node:crypto";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { endSession } from "./sessions";

export const PASSWORD_CHANGED_MEANWHILE = "Your password was changed just now. Sign in with the new password.";

/** A digest of the stored hash: enough to tell it changed, nothing to crack (it travels in a sealed cookie). */
export function passwordStamp(passwordHash: string): string {
  return createHash("sha256").update(passwordHash).digest("base64url").slice(0, 22);
}

/**
 * Called right after a session was created for a checked password: ends that session and refuses
 * (audited) when the person's password is no longer the one checked (changed or reset meanwhile).
 */
export async function assertPasswordStands(
  db: Db,
  created: { user: { id: string; email: string }; teamId: string | null; sessionId: string; ip: string },
  stamp: string,
): Promise<void> {
  const now = await db.user.findUnique({ where: { id: created.user.id }, select: { passwordHash: true } });
  if (now && passwordStamp(now.passwordHash) === stamp) return;
  await endSession(db, created.sessionId);
  await recordAudit(db, {
    actor: created.user,
    teamId: created.teamId,
    action: "session.create",
    outcome: "failure",
    ip: created.ip,
    details: { reason: "password changed during sign-in" },
  });
  throw new AppError("UNAUTHENTICATED", PASSWORD_CHANGED_MEANWHILE);
}
