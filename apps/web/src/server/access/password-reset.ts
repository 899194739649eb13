// Lost passwords: an admin (or the host's operator, scripts/admin-reset.ts) makes a single-use
// reset link for a member, valid one hour; using it sets the new password and ends every session
// of that person, closing their open sockets as disabling does (access-changes.ts).
import { recordAudit } from "../audit/audit-log";
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
import { assertAdminOfEveryTeamOf } from "./account-reach";
import { linkLimiter } from "./link-limiter";
import { auditRefusedLinkUse } from "./link-refusals";
import { hashPassword } from "./passwords";
import { hashToken } from "./sessions";

type Db = PortalServices["db"];

export interface NewResetLink {
  team: { id: string; name: string };
  /** Who asked: a member's id, or a name for the host's `npm run admin:reset`. */
  createdById: string;
  /** The admin asking, checked to be an admin of every team of the person; absent for the host's script. */
  actorId?: string | undefined;
  email: string;
  publicUrl: string;
}

/** A reset link for a member of the team; a pending one for the same person is revoked in the same step. */
export async function createResetLink(db: Db, input: NewResetLink) {
  const user = await db.user.findUnique({
    where: { email: input.email },
    include: { memberships: { where: { teamId: input.team.id } } },
  });
  if (!user || user.memberships.length === 0) {
    throw new AppError("NOT_FOUND", `No member of ${input.team.name} has the email ${input.email}.`);
  }
  if (user.disabledAt) {
    throw new AppError("CONFLICT", `${user.email} is disabled. Enable them first: a new password does not.`);
  }
  if (input.actorId) await assertAdminOfEveryTeamOf(db, input.actorId, user.id, "a password reset");
  const token = newLinkToken();
  const row = await db.$transaction(async (tx) => {
    await revokePendingLinks(tx, input.team.id, "reset", user.email);
    return tx.accountLink.create({
      data: {
        kind: "reset",
        tokenHash: hashToken(token),
        teamId: input.team.id,
        email: user.email,
        userId: user.id,
        createdById: input.createdById,
        expiresAt: new Date(Date.now() + LINK_LIFETIME_MS.reset),
      },
    });
  });
  return {
    user: { id: user.id, email: user.email },
    email: user.email,
    link: linkUrl(input.publicUrl, "reset", token),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/** The reset page's heading: whose password it sets. Rate-limited per address. */
export async function resetLinkInfo(db: Db, token: string, ip: string) {
  const charge = await linkLimiter.charge(ip);
  const link = await findLink(db, token);
  const state = linkState(link, "reset");
  if (!link || state !== "valid") throw linkRefusal("reset", state === "valid" ? "unknown" : state);
  await charge.succeeded();
  return { email: link.email, expiresAt: link.expiresAt.toISOString() };
}

/**
 * Sets the new password and ends every session of the person in the transaction that marks the
 * link used; their live sockets close on `sessionsEnded`. API keys stay: they are not sessions,
 * and each is revoked on its own (Settings → API keys).
 */
export async function resetPassword(
  services: Pick<PortalServices, "db" | "refusals" | "events">,
  input: { token: string; password: string; ip: string },
) {
  const { db } = services;
  const charge = await linkLimiter.charge(input.ip);
  const link = await findLink(db, input.token);
  const state = linkState(link, "reset");
  if (!link?.userId || state !== "valid") {
    const refusal = state === "valid" ? "unknown" : state;
    await auditRefusedLinkUse(services, "users.password.reset", link, refusal, input.ip);
    throw linkRefusal("reset", refusal);
  }
  const userId = link.userId;
  const passwordHash = await hashPassword(input.password);
  let endedSessions: number;
  try {
    endedSessions = await db.$transaction(async (tx) => {
      await claimLink(tx, link, "reset");
      await tx.user.update({ where: { id: userId }, data: { passwordHash } });
      return (await tx.session.deleteMany({ where: { userId } })).count;
    });
  } catch (error) {
    if (error instanceof AppError) {
      await auditRefusedLinkUse(services, "users.password.reset", link, error.message, input.ip);
    }
    throw error;
  }
  await charge.succeeded();
  services.events.emit("sessionsEnded", userId);
  await recordAudit(db, {
    actor: { id: userId, email: link.email },
    teamId: link.teamId,
    action: "users.password.reset",
    target: { type: "user", id: userId },
    outcome: "success",
    ip: input.ip,
    details: { email: link.email, endedSessions, linkId: link.id },
  });
  return { email: link.email, endedSessions };
}
