// Invites: an admin invites an email with a role; the invitee opens the link, sets a name and a
// password, and joins the team signed in; someone with an account already joins signed in as
// themselves (decision 045). Free of tRPC: the routers call these and audit.
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
 * A member of the team cannot be invited again; a person with an account in another team can: they
 * join by opening the link signed in as themselves (joinWithInvite).
 */
async function assertNotMember(db: Tx, team: { id: string; name: string }, email: string): Promise<void> {
  const member = await db.membership.findFirst({ where: { teamId: team.id, user: { email } }, select: { id: true } });
  if (member) throw new AppError("CONFLICT", `${email} is already a member of ${team.name}.`);
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
  await assertNotMember(db, input.team, input.email);
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
  const existing = await db.user.findUnique({ where: { email: link.email }, select: { id: true } });
  return {
    email: link.email,
    team: link.team.name,
    role: roleSchema.parse(link.role),
    expiresAt: link.expiresAt.toISOString(),
    existingAccount: existing !== null,
  };
}

/** Refuses a link that cannot be used now, auditing it; the valid link otherwise. */
async function usableInvite(services: Services, token: string, ip: string, action: string) {
  const link = await findLink(services.db, token);
  const state = linkState(link, "invite");
  if (!link || state !== "valid") {
    const refusal = state === "valid" ? "unknown" : state;
    await auditRefusedLinkUse(services, action, link, refusal, ip);
    throw linkRefusal("invite", refusal);
  }
  return link;
}

/**
 * A person who already has an account (in another team) joins with the invite's role by opening the
 * link signed in as the invited email; the session then works in the new team. Signing in first
 * keeps their password and second factor the only way into their account.
 */
export async function joinWithInvite(
  services: Services,
  person: { id: string; email: string; sessionId: string },
  input: { token: string; ip: string },
) {
  const { db } = services;
  const charge = await linkLimiter.charge(input.ip);
  const link = await usableInvite(services, input.token, input.ip, "users.invite.accept");
  if (link.email !== person.email) {
    const sentence = `This invite is for ${link.email}, and you are signed in as ${person.email}. Sign out, then sign in as ${link.email} and open the link again.`;
    await auditRefusedLinkUse(services, "users.invite.accept", link, "signed in as another person", input.ip);
    throw new AppError("FORBIDDEN", sentence);
  }
  const role = roleSchema.parse(link.role);
  try {
    await db.$transaction(async (tx) => {
      await claimLink(tx, link, "invite");
      await assertNotMember(tx, link.team, link.email);
      await tx.membership.create({ data: { userId: person.id, teamId: link.teamId, role } });
      if (!person.sessionId.startsWith("apikey:")) {
        await tx.session.update({ where: { id: person.sessionId }, data: { teamId: link.teamId } });
      }
    });
  } catch (caught) {
    if (caught instanceof AppError) {
      await auditRefusedLinkUse(services, "users.invite.accept", link, caught.message, input.ip);
    }
    throw caught;
  }
  await charge.succeeded();
  await recordAudit(db, {
    actor: person,
    teamId: link.teamId,
    action: "users.invite.accept",
    target: { type: "user", id: person.id },
    outcome: "success",
    ip: input.ip,
    details: { email: person.email, role, inviteId: link.id, existingAccount: true },
  });
  return { team: { id: link.team.id, name: link.team.name }, role };
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
  const link = await usableInvite(services, input.token, input.ip, "users.invite.accept");
  const role = roleSchema.parse(link.role);
  const passwordHash = await hashPassword(input.password);
  let user: { id: string; email: string };
  try {
    user = await db.$transaction(async (tx) => {
      // Claimed first: of two uses at once, the second learns the link was used, not that the email is taken.
      await claimLink(tx, link, "invite");
      if (await tx.user.findUnique({ where: { email: link.email }, select: { id: true } })) {
        throw new AppError(
          "CONFLICT",
          `${link.email} already has a Wheelhouse account. Sign in as ${link.email}, then open this link again to join.`,
        );
      }
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
  const session = await createSession(db, user.id, {
    ip: input.ip,
    userAgent: input.userAgent,
    teamId: link.teamId,
  });
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
