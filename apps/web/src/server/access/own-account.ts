// One's own account (issue 16, item 2): change one's password, list one's sessions, end one of them.
// Free of tRPC: own-account-router.ts validates and audits the success; refusals are audited here,
// with their reason, as sign-in's are.
import { createHash } from "node:crypto";
import { type ChangePasswordInput, type OwnSession, SESSION_HANDLE_LENGTH } from "@wheelhouse/shared";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import { signOutSession } from "./access-changes";
import { charge, rateLimitedMessage } from "./attempt-limit";
import { hashPassword, verifyPassword } from "./passwords";
import type { SessionUser } from "./sessions";
import { summarizeUserAgent } from "./user-agent-summary";

type Services = Pick<PortalServices, "db" | "events">;

/**
 * Guessing the current password from a stolen session is slowed as sign-in slows guessing from
 * outside (sign-in-limiter.ts): 5 attempts per person per 15 minutes, charged before the password is
 * checked, given back when it was right. Per person, not per address: the guesser holds the session.
 */
const attempts = new RateLimiterMemory({ keyPrefix: "password-change", points: 5, duration: 15 * 60 });

const WRONG_CURRENT = "That is not your current password. Nothing was changed.";

/**
 * The handle a page and the API use for a session: the first 16 hex digits of a SHA-256 of the
 * session's id under a fixed label. The id is itself the SHA-256 of the cookie's token, so the
 * handle is a hash of a hash: it names the session stably (the same on every listing) without
 * showing the token or the stored hash, and neither can be recovered from it. 64 bits cannot collide
 * among one person's few sessions, and a handle only ever matches among the caller's own.
 */
export function sessionHandle(sessionId: string): string {
  return createHash("sha256")
    .update(`wheelhouse-session-handle:${sessionId}`)
    .digest("hex")
    .slice(0, SESSION_HANDLE_LENGTH);
}

/**
 * Checks the current password (the same Argon2 verify as sign-in, under its own rate limit), then
 * stores the new one and ends every other session of the person in one transaction; their sockets
 * and the shells they control close through `sessionEnded`. The session `user` came with stays
 * signed in (an API key's caller has none, so all of them end). API keys are left as they are.
 */
export async function changeOwnPassword(
  services: Services,
  user: SessionUser,
  input: ChangePasswordInput,
  ip: string,
): Promise<{ endedSessions: number }> {
  const { db } = services;
  const refuse = async (reason: string, outcome: "denied" | "failure", error: AppError): Promise<never> => {
    await recordAudit(db, {
      actor: user,
      teamId: user.team.id,
      action: "account.password.change",
      target: { type: "user", id: user.id },
      outcome,
      ip,
      details: { reason },
    });
    throw error;
  };
  const refused = await charge(attempts, user.id);
  if (refused) {
    await refuse(
      "rate_limited",
      "denied",
      new AppError("RATE_LIMITED", rateLimitedMessage("Too many wrong current passwords.", refused.msBeforeNext)),
    );
  }
  const account = await db.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
  if (!account) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
    // BAD_INPUT, not UNAUTHENTICATED: the person is signed in, and the page must not send them to sign-in.
    await refuse("wrong_password", "failure", new AppError("BAD_INPUT", WRONG_CURRENT));
  }
  await attempts.delete(user.id);
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const others = await tx.session.findMany({
      where: { userId: user.id, id: { not: user.sessionId } },
      select: { id: true },
    });
    await tx.session.deleteMany({ where: { id: { in: others.map((session) => session.id) } } });
    return others.map((session) => session.id);
  });
  for (const sessionId of ended) services.events.emit("sessionEnded", sessionId);
  return { endedSessions: ended.length };
}

/**
 * The person's live sessions: the one `user` came with first (marked `current`), then the others
 * most recently used first. The stored "last seen" moves at most every 5 minutes (sessions.ts); the
 * current session is in use by this very request, so it says now.
 */
export async function listOwnSessions(db: Services["db"], user: SessionUser): Promise<OwnSession[]> {
  const now = new Date();
  const sessions = await db.session.findMany({
    where: { userId: user.id, expiresAt: { gt: now } },
    orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }],
  });
  const listed = sessions.map((session) => {
    const current = session.id === user.sessionId;
    return {
      id: sessionHandle(session.id),
      device: summarizeUserAgent(session.userAgent),
      address: session.ip,
      createdAt: session.createdAt.toISOString(),
      lastUsedAt: (current ? now : session.lastSeenAt).toISOString(),
      current,
    };
  });
  return [...listed.filter((session) => session.current), ...listed.filter((session) => !session.current)];
}

/**
 * Ends one of the person's own sessions by its handle, and the sockets it opened. Another person's
 * session is not found (the handle is looked for among the caller's sessions only).
 */
export async function endOwnSession(
  services: Services,
  user: SessionUser,
  handle: string,
): Promise<{ signedOut: boolean }> {
  const sessions = await services.db.session.findMany({ where: { userId: user.id }, select: { id: true } });
  const session = sessions.find((candidate) => sessionHandle(candidate.id) === handle);
  if (!session) throw new AppError("NOT_FOUND", "That session is not one of yours, or it has already ended.");
  await signOutSession(services, session.id);
  return { signedOut: session.id === user.sessionId };
}
