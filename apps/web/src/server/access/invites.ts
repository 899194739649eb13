// Invites: an admin invites an email with a role; the invitee opens the link, sets a name and a
// password, and joins the team signed in. Free of tRPC: the routers call these and audit.
import type { Invite, Role } from "@wheelhouse/shared";
import { roleSchema } from "@wheelhouse/shared";
import { isUniqueViolation } from "../apps/app-domains";
import { recordAudit } from "../audit/audit-log";
import type { Tx } from "../db/team-numbers";
import { AppError } from "../errors/app-error";
import type { PortalServices } from "../services";
import {
  claimLink,
  findLink,
  LINK_LIFETIME_MS,
  linkRefusal,
  linkState,
  linkUrl,
  newLinkToken,
  revokePendingLinks,
} from "./account-links";
import { linkLimiter } from "./link-limiter";
import { auditRefusedLinkUse } from "./link-refusals";
import { hashPassword } from "./passwords";
import { createSession, hashToken } from "./sessions";

type Services = Pick<PortalServices, "db" | "refusals">;
type Db = PortalServices["db"];

/**
 * Several teams per person are not there yet (a session resolves to one membership), so an email
 * that already has an account anywhere is refused rather than given a second membership.
 */
async function assertEmailFree(db: Tx, team: { id: string; name: string }, email: string): Promise<void> {
  const existing = await db.user.findUnique({ where: { email }, include: { memberships: true } });
  if (!existing) return;
  if (existing.memberships.some((m) => m.teamId === team.id)) {
    throw new AppError("CONFLICT", `${email} is already a member of ${team.name}.`);
  }
  throw new AppError(
    "CONFLICT",
    `${email} already has a Wheelhouse account in another team; a person can belong to one team only for now.`,
  );
}

interface InviteRow {
  id: string;
  email: string;
  role: string | null;
  createdAt: Date;
  expiresAt: Date;
}

function toInvite(row: InviteRow, createdBy: string | null): Invite {
  return {
    id: row.id,
    email: row.email,
    role: roleSchema.parse(row.role),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    createdBy,
  };
}

export interface NewInvite {
  team: { id: string; name: string };
  createdBy: { id: string; email: string };
  email: string;
  role: Role;
  publicUrl: string;
}

/** A new invite; a pending one for the same email is revoked in the same step. The link is answered once. */
export async function createInvite(db: Db, input: NewInvite) {
  await assertEmailFree(db, input.team, input.email);
  const token = newLinkToken();
  const { row, replaced } = await db.$transaction(async (tx) => {
    const replaced = await revokePendingLinks(tx, input.team.id, "invite", input.email);
    const row = await tx.accountLink.create({
      data: {
        kind: "invite",
        tokenHash: hashToken(token),
        teamId: input.team.id,
        email: input.email,
        role: input.role,
        createdById: input.createdBy.id,
        expiresAt: new Date(Date.now() + LINK_LIFETIME_MS.invite),
      },
    });
    return { row, replaced };
  });
  return {
    invite: toInvite(row, input.createdBy.email),
    link: linkUrl(input.publicUrl, "invite", token),
    replaced,
  };
}

/** Invites not yet used, revoked or expired, newest first. Never the links: those were shown once. */
export async function listPendingInvites(db: Db, teamId: string): Promise<Invite[]> {
  const rows = await db.accountLink.findMany({
    where: { teamId, kind: "invite", usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
  });
  const creators = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((r) => r.createdById))] } },
    select: { id: true, email: true },
  });
  const emailOf = new Map(creators.map((c) => [c.id, c.email]));
  return rows.map((row) => toInvite(row, emailOf.get(row.createdById) ?? null));
}

export async function revokeInvite(db: Db, teamId: string, id: string) {
  const row = await db.accountLink.findFirst({ where: { id, teamId, kind: "invite" } });
  if (!row) throw new AppError("NOT_FOUND", "That invite does not exist in this team.");
  const { count } = await db.accountLink.updateMany({
    where: { id, usedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    data: { revokedAt: new Date() },
  });
  if (count !== 1) throw new AppError("CONFLICT", `The invite for ${row.email} is no longer pending.`);
  return { email: row.email, role: row.role };
}

/** What the invite page shows; a refusal sentence when the link cannot be used. Rate-limited per address. */
export async function inviteInfo(db: Db, token: string, ip: string) {
  const charge = await linkLimiter.charge(ip);
  const link = await findLink(db, token);
  const state = linkState(link, "invite");
  if (!link || state !== "valid") throw linkRefusal("invite", state === "valid" ? "unknown" : state);
  await charge.succeeded();
  return {
    email: link.email,
    team: link.team.name,
    role: roleSchema.parse(link.role),
    expiresAt: link.expiresAt.toISOString(),
  };
}

export interface Acceptance {
  token: string;
  name: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
}

/**
 * Creates the person and their membership with the invite's role, marking the invite used in the
 * same transaction (claimLink), then signs them in. Every refusal is audited.
 */
export async function acceptInvite(services: Services, input: Acceptance) {
  const { db } = services;
  const charge = await linkLimiter.charge(input.ip);
  const link = await findLink(db, input.token);
  const state = linkState(link, "invite");
  if (!link || state !== "valid") {
    const refusal = state === "valid" ? "unknown" : state;
    await auditRefusedLinkUse(services, "users.invite.accept", link, refusal, input.ip);
    throw linkRefusal("invite", refusal);
  }
  const role = roleSchema.parse(link.role);
  const passwordHash = await hashPassword(input.password);
  let user: { id: string; email: string };
  try {
    user = await db.$transaction(async (tx) => {
      // Claimed first: of two uses at once, the second learns the link was used, not that the email is taken.
      await claimLink(tx, link, "invite");
      await assertEmailFree(tx, link.team, link.email);
      const created = await tx.user.create({ data: { email: link.email, name: input.name, passwordHash } });
      await tx.membership.create({ data: { userId: created.id, teamId: link.teamId, role } });
      return created;
    });
  } catch (caught) {
    // An account made for the email meanwhile (users.create) loses to the unique email: refused, not a crash.
    const error = isUniqueViolation(caught)
      ? new AppError("CONFLICT", `${link.email} already has a Wheelhouse account. Sign in instead.`)
      : caught;
    if (error instanceof AppError) {
      await auditRefusedLinkUse(services, "users.invite.accept", link, error.message, input.ip);
    }
    throw error;
  }
  await charge.succeeded();
  const session = await createSession(db, user.id, { ip: input.ip, userAgent: input.userAgent });
  await recordAudit(db, {
    actor: user,
    teamId: link.teamId,
    action: "users.invite.accept",
    target: { type: "user", id: user.id },
    outcome: "success",
    ip: input.ip,
    details: { email: user.email, role, inviteId: link.id },
  });
  return { user, session };
}
