// A team's tokens for incoming hooks, one per team and kind: "registry" authenticates a registry's
// push notifications (registry-hook-route.ts), "signals" Alertmanager's webhook
// (signals/alertmanager-route.ts), "prometheus" Prometheus's service discovery
// (signals/prometheus-sd-route.ts). Creating another rotates it, and the old one stops working at
// once. The whole token is shown once; only its SHA-256 and a prefix are kept. Each kind has its own
// visible prefix, so a person (and a secret scanner) can tell which one leaked.
import { randomBytes } from "node:crypto";
import { hashToken } from "../access/sessions";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";

export const HOOK_KINDS = ["registry", "signals", "prometheus"] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

const TOKEN_PREFIXES: Record<HookKind, string> = { registry: "whr_", signals: "whs_", prometheus: "whp_" };
const PREFIX_LENGTH = 12;

/** Words for "your team has no … token" refusals. */
const KIND_NAMES: Record<HookKind, string> = {
  registry: "push hook",
  signals: "alert signal",
  prometheus: "Prometheus discovery",
};

export interface HookTokenSummary {
  prefix: string;
  createdAt: string;
  createdBy: string | null;
}

/** Cheap shape check before a database lookup: anything else is a wrong token for this kind. */
export function looksLikeHookToken(kind: HookKind, token: string): boolean {
  return token.startsWith(TOKEN_PREFIXES[kind]) && token.length < 200;
}

async function summaryOf(
  db: Db,
  row: { prefix: string; createdAt: Date; createdById: string | null },
): Promise<HookTokenSummary> {
  const creator = row.createdById
    ? await db.user.findUnique({ where: { id: row.createdById }, select: { email: true } })
    : null;
  return { prefix: row.prefix, createdAt: row.createdAt.toISOString(), createdBy: creator?.email ?? null };
}

/** Whether the team has a token of this kind, and which (never the token itself). */
export async function readHookToken(db: Db, teamId: string, kind: HookKind): Promise<HookTokenSummary | null> {
  const row = await db.hookToken.findUnique({ where: { teamId_kind: { teamId, kind } } });
  return row ? summaryOf(db, row) : null;
}

/** A new token for the team, replacing (rotating) any earlier one of the kind in the same write. */
export async function createHookToken(
  db: Db,
  teamId: string,
  kind: HookKind,
  createdById: string,
): Promise<{ token: string; summary: HookTokenSummary; rotated: boolean }> {
  const token = `${TOKEN_PREFIXES[kind]}${randomBytes(32).toString("base64url")}`;
  const fields = {
    prefix: token.slice(0, PREFIX_LENGTH),
    tokenHash: hashToken(token),
    createdById,
    createdAt: new Date(),
  };
  const existing = await db.hookToken.findUnique({ where: { teamId_kind: { teamId, kind } }, select: { id: true } });
  // An upsert, so two admins rotating at once leave exactly one token (the last write's).
  const row = await db.hookToken.upsert({
    where: { teamId_kind: { teamId, kind } },
    create: { teamId, kind, ...fields },
    update: fields,
  });
  return { token, summary: await summaryOf(db, row), rotated: existing !== null };
}

/** Deletes the team's token: whatever presents it (registry, Alertmanager, Prometheus) is refused from now on. */
export async function revokeHookToken(db: Db, teamId: string, kind: HookKind): Promise<{ prefix: string }> {
  const row = await db.hookToken.findUnique({ where: { teamId_kind: { teamId, kind } }, select: { prefix: true } });
  const { count } = await db.hookToken.deleteMany({ where: { teamId, kind } });
  if (!row || count === 0)
    throw new AppError("NOT_FOUND", `Your team has no ${KIND_NAMES[kind]} token (it may have been revoked already).`);
  return { prefix: row.prefix };
}

/** The team a presented token belongs to, or null for a missing, malformed or unknown one. */
export async function teamForHookToken(
  db: Db,
  kind: HookKind,
  token: string,
): Promise<{ teamId: string; prefix: string } | null> {
  if (!looksLikeHookToken(kind, token)) return null;
  const row = await db.hookToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.kind !== kind) return null;
  return { teamId: row.teamId, prefix: row.prefix };
}
