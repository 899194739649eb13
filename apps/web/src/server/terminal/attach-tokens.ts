// Short-lived, single-use tokens that let one socket attach to one terminal session. A tRPC
// mutation mints one after the permission check; the /terminal socket presents it and the
// namespace checks permission again when it redeems it. Only the SHA-256 is kept, in memory: a
// token outlives neither the portal process nor its 30 seconds.
import { createHash, randomBytes } from "node:crypto";
import type { TerminalSize, TerminalTarget } from "@wheelhouse/shared";

export const ATTACH_TOKEN_TTL_MS = 30_000;
/** A person cannot hold more unredeemed tokens than this (each costs a little memory). */
const MAX_TOKENS_PER_USER = 20;

export type AttachGrant =
  | { kind: "open"; userId: string; hostId: string; target: TerminalTarget; size: TerminalSize }
  | { kind: "attach"; userId: string; sessionId: string; mode: "control" | "watch" };

interface Stored {
  grant: AttachGrant;
  expiresAt: number;
}

function hash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class AttachTokens {
  private readonly tokens = new Map<string, Stored>();

  constructor(private readonly now: () => number = Date.now) {}

  mint(grant: AttachGrant): { token: string; expiresAt: number } {
    this.sweep();
    const mine = [...this.tokens.entries()].filter(([, stored]) => stored.grant.userId === grant.userId);
    for (const [key] of mine.slice(0, Math.max(0, mine.length - MAX_TOKENS_PER_USER + 1))) this.tokens.delete(key);
    const token = `wht_${randomBytes(32).toString("base64url")}`;
    const expiresAt = this.now() + ATTACH_TOKEN_TTL_MS;
    this.tokens.set(hash(token), { grant, expiresAt });
    return { token, expiresAt };
  }

  /** The grant behind a token, once: a second redemption, an expired or an unknown token gives null. */
  redeem(token: string): AttachGrant | null {
    const key = hash(token);
    const stored = this.tokens.get(key);
    if (!stored) return null;
    this.tokens.delete(key);
    return stored.expiresAt > this.now() ? stored.grant : null;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, stored] of this.tokens) if (stored.expiresAt <= now) this.tokens.delete(key);
  }
}
