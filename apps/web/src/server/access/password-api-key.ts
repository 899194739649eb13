// The CLI's `login --email --password`: the same checks and limits as the sign-in page, and a new
// API key instead of a session. A person with a second factor is refused: a password alone must not
// mint a key that never expires; they create one on the Account page, signed in with their code.
import { recordAudit } from "../audit/audit-log";
import { AppError } from "../errors/app-error";
import { createApiKey } from "./api-keys";
import { type SignInAttempt, type SignInDeps, verifyCredentials } from "./sign-in";

/** The team `wanted` names (slug or name, any case) among the person's own; a sentence naming theirs otherwise. */
async function teamOfPerson(db: SignInDeps["db"], userId: string, wanted: string): Promise<string> {
  const memberships = await db.membership.findMany({
    where: { userId },
    select: { team: { select: { id: true, name: true, slug: true } } },
    orderBy: { createdAt: "asc" },
  });
  const key = wanted.toLowerCase();
  const found = memberships.find((m) => m.team.slug === key || m.team.name.toLowerCase() === key);
  if (found) return found.team.id;
  throw new AppError(
    "NOT_FOUND",
    `You are not a member of a team named ${wanted}. Your teams: ${memberships.map((m) => m.team.name).join(", ")}.`,
  );
}

export async function createApiKeyWithPassword(
  deps: SignInDeps,
  attempt: SignInAttempt & { name: string; team?: string | undefined },
) {
  const { user, teamId } = await verifyCredentials(deps, attempt);
  const factor = await deps.db.secondFactor.findUnique({ where: { userId: user.id }, select: { enabledAt: true } });
  if (factor?.enabledAt) {
    await recordAudit(deps.db, {
      actor: user,
      teamId,
      action: "apikeys.manage",
      outcome: "denied",
      ip: attempt.ip,
      details: { reason: "second factor enabled", via: "password" },
    });
    throw new AppError(
      "FORBIDDEN",
      "Your account uses a second factor, so a password alone cannot create an API key. Create one on your Account page.",
    );
  }
  // verifyCredentials found a membership (or refused): the key acts in the team asked for, else the first.
  if (!teamId) throw new AppError("FORBIDDEN", "Your account belongs to no team.");
  let keyTeamId = teamId;
  if (attempt.team) {
    try {
      keyTeamId = await teamOfPerson(deps.db, user.id, attempt.team);
    } catch (error) {
      // Audited in the person's first team: asking for a team one is not in is worth seeing.
      await recordAudit(deps.db, {
        actor: user,
        teamId,
        action: "apikeys.manage",
        outcome: "denied",
        ip: attempt.ip,
        details: { reason: "not a member of the team asked for", team: attempt.team, via: "password" },
      });
      throw error;
    }
  }
  const created = await createApiKey(deps.db, user.id, keyTeamId, attempt.name);
  return { user, teamId: keyTeamId, created };
}
