// Single-use links an admin hands to a person: an invite (7 days) or a password reset (1 hour).
// The token is 32 random bytes shown once inside the link; the table keeps only its SHA-256, as
// for sessions, so a read of the database cannot be replayed as a link. A link is claimed by a
// conditional update (used, revoked and expired rows never match), so two uses arriving together
// cannot both pass: the second finds no row to claim.
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import type { Tx } from "../db/team-numbers";
import { AppError } from "../errors/app-error";
import { hashToken } from "./sessions";

export type LinkKind = "invite" | "reset";

export const LINK_LIFETIME_MS: Record<LinkKind, number> = {
  invite: 7 * 24 * 3600 * 1000,
  reset: 3600 * 1000,
};

/** Where each kind of link opens in the portal. */
const LINK_PATHS: Record<LinkKind, string> = { invite: "/invite/", reset: "/reset/" };

/** Why a link cannot be used; "valid" when it can. */
export type LinkState = "valid" | "unknown" | "used" | "revoked" | "expired";

interface LinkRow {
  kind: string;
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

/** Used and revoked win over expired: the person learns what actually happened to the link. */
export function linkState(row: LinkRow | null, kind: LinkKind, now = Date.now()): LinkState {
  if (!row || row.kind !== kind) return "unknown";
  if (row.usedAt) return "used";
  if (row.revokedAt) return "revoked";
  if (row.expiresAt.getTime() <= now) return "expired";
  return "valid";
}

const SENTENCES: Record<LinkKind, Record<Exclude<LinkState, "valid">, string>> = {
  invite: {
    unknown: "This invite link is not valid. Ask an admin of your team for a new one.",
    used: "This invite link was already used. Sign in instead, or ask an admin of your team for a new one.",
    revoked: "This invite link was revoked. Ask an admin of your team for a new one.",
    expired: "This invite link has expired. Ask an admin of your team for a new one.",
  },
  reset: {
    unknown: "This password reset link is not valid. Ask an admin of your team for a new one.",
    used: "This password reset link was already used. Sign in with your new password, or ask an admin for a new link.",
    revoked: "This password reset link was replaced by a newer one. Use the newest link, or ask an admin for one.",
    expired: "This password reset link has expired (they last one hour). Ask an admin of your team for a new one.",
  },
};

export function refusalSentence(kind: LinkKind, state: Exclude<LinkState, "valid">): string {
  return SENTENCES[kind][state];
}

/** The coded error for a link that cannot be used: not found when unknown, a conflict otherwise. */
export function linkRefusal(kind: LinkKind, state: Exclude<LinkState, "valid">): AppError {
  return new AppError(state === "unknown" ? "NOT_FOUND" : "CONFLICT", refusalSentence(kind, state));
}

export function newLinkToken(): string {
  return randomBytes(32).toString("base64url");
}

export function linkUrl(publicUrl: string, kind: LinkKind, token: string): string {
  return `${publicUrl.replace(/\/$/, "")}${LINK_PATHS[kind]}${token}`;
}

export function findLink(db: Db, token: string) {
  return db.accountLink.findUnique({ where: { tokenHash: hashToken(token) }, include: { team: true } });
}
export type FoundLink = NonNullable<Awaited<ReturnType<typeof findLink>>>;

/**
 * Marks the link used if, at this instant, it is unused, unrevoked and unexpired; refuses
 * otherwise. Run inside the transaction that does what the link grants, so the claim and the
 * change commit or roll back together.
 */
export async function claimLink(tx: Tx, link: FoundLink, kind: LinkKind): Promise<void> {
  const now = new Date();
  const claimed = await tx.accountLink.updateMany({
    where: { id: link.id, kind, usedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (claimed.count === 1) return;
  const current = await tx.accountLink.findUnique({ where: { id: link.id } });
  const state = linkState(current, kind);
  // Claimed by nobody yet still "valid" cannot happen; reported as used, the likeliest cause.
  throw linkRefusal(kind, state === "valid" ? "used" : state);
}

/** Revokes every pending link of this kind for the email in the team: a newer link replaces them. */
export async function revokePendingLinks(tx: Tx, teamId: string, kind: LinkKind, email: string): Promise<number> {
  const { count } = await tx.accountLink.updateMany({
    where: { teamId, kind, email, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  return count;
}
