// Per-user API keys for the REST API and the CLI. A key acts as its user, with the user's role, so
// every permission check and audit event is the same as in the browser. Only a SHA-256 is stored.
import { randomBytes } from "node:crypto";
import { roleSchema } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { bookkeepingWrite } from "../db/write-health";
import { AppError } from "../errors/app-error";
import { portalTeamId } from "./portal-team";
import { secondFactorState } from "./second-factor-policy";
import { hashToken, type SessionUser } from "./sessions";

const KEY_PREFIX = "whk_";
/** lastUsedAt is written at most this often per key, so reads do not turn into writes. */
const TOUCH_AFTER_MS = 60_000;
const MAX_KEYS_PER_USER = 50;

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(KEY_PREFIX) && token.length < 200;
}

function toDto(key: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}

/** A new key for `userId`, acting in `teamId` (the team the person works in when they make it). */
export async function createApiKey(db: Db, userId: string, teamId: string, name: string) {
  const active = await db.apiKey.count({ where: { userId, revokedAt: null } });
  if (active >= MAX_KEYS_PER_USER) {
    throw new AppError("CONFLICT", `You already have ${MAX_KEYS_PER_USER} API keys. Revoke one you no longer use.`);
  }
  const token = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const key = await db.apiKey.create({
    data: { userId, teamId, name, prefix: token.slice(0, 12), keyHash: hashToken(token) },
  });
  return { token, apiKey: toDto(key) };
}

/** One's keys that act in `teamId`: a key belongs to one team, so each team's page lists its own. */
export async function listApiKeys(db: Db, userId: string, teamId: string) {
  const keys = await db.apiKey.findMany({
    where: { userId, teamId, revokedAt: null },
    orderBy: { createdAt: "desc" },
  });
  return keys.map(toDto);
}

export async function revokeApiKey(db: Db, userId: string, teamId: string, keyId: string) {
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, userId, teamId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("NOT_FOUND", "No such API key (it may have been revoked already).");
}

/** The user behind a bearer key, or null for an unknown, revoked or disabled one. */
export async function resolveApiKey(db: Db, token: string): Promise<SessionUser | null> {
  if (!looksLikeApiKey(token)) return null;
  const key = await db.apiKey.findUnique({
    where: { keyHash: hashToken(token) },
    include: {
      user: {
        include: {
          secondFactor: { select: { enabledAt: true } },
          memberships: { include: { team: { include: { security: true } } }, orderBy: { createdAt: "asc" } },
        },
      },
    },
  });
  if (!key || key.revokedAt || key.user.disabledAt) return null;
  // A key acts in its own team only; once its person has left that team it opens nothing.
  const membership = key.teamId ? key.user.memberships.find((m) => m.teamId === key.teamId) : key.user.memberships[0];
  if (!membership) return null;
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > TOUCH_AFTER_MS) {
    await bookkeepingWrite(db, () => db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } }));
  }
  const role = roleSchema.parse(membership.role);
  return {
    // Not a browser session: nothing to end on sign-out, and socket rooms are keyed apart.
    sessionId: `apikey:${key.id}`,
    id: key.user.id,
    email: key.user.email,
    name: key.user.name,
    team: {
      id: membership.team.id,
      name: membership.team.name,
      slug: membership.team.slug,
      portal: membership.team.id === (await portalTeamId(db)),
    },
    role,
    // A key never proves the second factor: step-ups are for browser sessions (second-factor-gate.ts).
    secondFactor: secondFactorState(role, key.user.secondFactor, membership.team.security, null),
  };
}
