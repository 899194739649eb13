// Sign-in sessions: a random token in an httpOnly cookie; the database keeps only its SHA-256.
// Why our own and not a library: docs/decisions/004-own-sessions.md.
import { createHash, randomBytes } from "node:crypto";
import type { Role } from "@wheelhouse/shared";
import { roleSchema } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { bookkeepingWrite } from "../db/write-health";
import { portalTeamId } from "./portal-team";
import { type SecondFactorState, secondFactorState } from "./second-factor-policy";

export const SESSION_COOKIE = "wheelhouse_session";
const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
/**
 * A session in use is extended (and its "last used" time, shown on the Account page, moved on) at
 * most every 5 minutes, so reads do not write on every request.
 */
const EXTEND_AFTER_MS = 5 * 60 * 1000;

export interface SessionUser {
  sessionId: string;
  id: string;
  email: string;
  name: string;
  /** `portal`: the portal's first team, the one where portal-wide settings are changed (portal-team.ts). */
  team: { id: string; name: string; slug: string; portal: boolean };
  role: Role;
  /** The person's second factor as this session sees it (second-factor-policy.ts). */
  secondFactor: SecondFactorState;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(
  db: Db,
  userId: string,
  meta: {
    ip?: string | undefined;
    userAgent?: string | undefined;
    secondFactorAt?: Date | undefined;
    /** The team to work in (an invite's team); otherwise the person's first team. */
    teamId?: string | undefined;
  },
) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  await db.session.create({
    data: {
      id: hashToken(token),
      userId,
      expiresAt,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      // Set when the sign-in proved the second factor (second-factor-sign-in.ts).
      secondFactorAt: meta.secondFactorAt ?? null,
      teamId: meta.teamId ?? null,
    },
  });
  return { token, expiresAt };
}

/** The signed-in user behind a cookie token, or null when the session is unknown, expired or the user disabled. */
export async function resolveSession(db: Db, token: string | undefined): Promise<SessionUser | null> {
  if (!token) return null;
  return resolveSessionById(db, hashToken(token));
}

/**
 * The same by the session's id (the token's hash): live sockets re-check their person with it, so a
 * role, a disabled account or a sign-out is seen as it is now, not as it was at connect.
 */
export async function resolveSessionById(db: Db, id: string): Promise<SessionUser | null> {
  const session = await db.session.findUnique({
    where: { id },
    include: {
      user: {
        include: {
          secondFactor: { select: { enabledAt: true } },
          memberships: { include: { team: { include: { security: true } } }, orderBy: { createdAt: "asc" } },
        },
      },
    },
  });
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now || session.user.disabledAt) {
    await bookkeepingWrite(db, () => db.session.deleteMany({ where: { id } }));
    return null;
  }
  // The team the person switched to, or their first one (never switched, or removed from it since).
  const membership = session.user.memberships.find((m) => m.teamId === session.teamId) ?? session.user.memberships[0];
  if (!membership) return null;
  if (now - session.lastSeenAt.getTime() > EXTEND_AFTER_MS) {
    await bookkeepingWrite(db, () =>
      db.session.update({
        where: { id },
        data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_LIFETIME_MS) },
      }),
    );
  }
  const role = roleSchema.parse(membership.role);
  return {
    sessionId: id,
    id: session.user.id,
    email: session.user.email,
    name: session.user.name,
    team: {
      id: membership.team.id,
      name: membership.team.name,
      slug: membership.team.slug,
      portal: membership.team.id === (await portalTeamId(db)),
    },
    role,
    secondFactor: secondFactorState(role, session.user.secondFactor, membership.team.security, session.secondFactorAt),
  };
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

export async function endAllSessionsOf(db: Db, userId: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { userId } });
  return count;
}

export function countActiveSessions(db: Db): Promise<number> {
  return db.session.count({ where: { expiresAt: { gt: new Date() } } });
}
