// Enrolment: an admin creates a single-use, expiring token; the agent exchanges it once for its
// long-lived key. Refusals say exactly what is wrong, so the person at the host can act.
import type { HostFacts } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { newAgentKey, newEnrollmentToken, secretHash } from "./agent-keys";

export const DEFAULT_ENROLLMENT_TTL_MS = 60 * 60 * 1000;

export async function createEnrollmentToken(
  db: Db,
  input: { teamId: string; hostName: string; createdById: string; ttlMs?: number },
) {
  const existing = await db.host.findUnique({ where: { teamId_name: { teamId: input.teamId, name: input.hostName } } });
  if (existing && !existing.revokedAt)
    throw new AppError(
      "CONFLICT",
      `A host named ${input.hostName} is already enrolled. Choose another name or revoke it first.`,
    );
  const token = newEnrollmentToken();
  const expiresAt = new Date(Date.now() + (input.ttlMs ?? DEFAULT_ENROLLMENT_TTL_MS));
  const row = await db.enrollmentToken.create({
    data: {
      teamId: input.teamId,
      hostName: input.hostName,
      createdById: input.createdById,
      tokenHash: secretHash(token),
      expiresAt,
    },
  });
  return { id: row.id, token, expiresAt };
}

/**
 * Exchanges a token for an agent key. The token is marked used in the same conditional update that
 * checks it, so two agents racing with one token cannot both win.
 */
export async function redeemEnrollmentToken(db: Db, token: string, facts: HostFacts, version: string) {
  const row = await db.enrollmentToken.findUnique({ where: { tokenHash: secretHash(token) } });
  if (!row)
    throw new AppError(
      "UNAUTHENTICATED",
      "This enrolment token is not valid. Copy the command again from the portal's Hosts page.",
    );
  if (row.usedAt)
    throw new AppError(
      "UNAUTHENTICATED",
      "This enrolment token was already used. Create a new one on the portal's Hosts page.",
    );
  if (row.expiresAt.getTime() <= Date.now()) {
    throw new AppError(
      "UNAUTHENTICATED",
      "This enrolment token has expired. Create a new one on the portal's Hosts page.",
    );
  }
  const agentKey = newAgentKey();
  return db.$transaction(async (tx) => {
    const claimed = await tx.enrollmentToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count !== 1)
      throw new AppError(
        "UNAUTHENTICATED",
        "This enrolment token was already used. Create a new one on the portal's Hosts page.",
      );
    // A revoked host of the same name is replaced: its history stays in the audit trail. A live one
    // (two tokens made for one name) is not: the second agent must be named differently.
    await tx.host.deleteMany({ where: { teamId: row.teamId, name: row.hostName, revokedAt: { not: null } } });
    if (await tx.host.findFirst({ where: { teamId: row.teamId, name: row.hostName } })) {
      throw new AppError(
        "CONFLICT",
        `A host named ${row.hostName} is already enrolled. Create a token with another name on the portal's Hosts page.`,
      );
    }
    const host = await tx.host.create({
      data: {
        teamId: row.teamId,
        name: row.hostName,
        keyHash: secretHash(agentKey),
        agentVersion: version,
        facts: JSON.stringify(facts),
      },
    });
    await tx.enrollmentToken.update({ where: { id: row.id }, data: { hostId: host.id } });
    return { host, agentKey, createdById: row.createdById };
  });
}

/** The host an agent key belongs to, if it is enrolled and not revoked. */
export function hostForKey(db: Db, agentKey: string) {
  return db.host.findUnique({ where: { keyHash: secretHash(agentKey) } });
}

export async function revokeHost(db: Db, teamId: string, hostId: string) {
  const host = await db.host.findFirst({ where: { id: hostId, teamId } });
  if (!host) throw new AppError("NOT_FOUND", "That host does not exist in this team.");
  if (host.revokedAt) return host;
  return db.host.update({ where: { id: host.id }, data: { revokedAt: new Date(), keyHash: null, connectedAt: null } });
}
