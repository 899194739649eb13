// The one permission check behind every transport: tRPC's withPermission and each Socket.IO
// middleware call this, so a socket cannot reach what a procedure would refuse.
import { type Action, can, minimumRole, PORTAL_ACTIONS } from "@wheelhouse/shared";
import { recordAudit } from "../audit/audit-log";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { secondFactorRefusal } from "./second-factor-gate";
import type { SessionUser } from "./sessions";

/**
 * Throws UNAUTHENTICATED without a user, FORBIDDEN (and audits the refusal) when the role falls short,
 * FORBIDDEN (audited) for a portal-wide setting outside the portal's first team (PORTAL_ACTIONS),
 * and STEP_UP_REQUIRED or SECOND_FACTOR_SETUP_REQUIRED (audited) as second-factor-gate.ts decides.
 */
export async function authorize(db: Db, user: SessionUser | null, action: Action, ip: string): Promise<SessionUser> {
  if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
  const refuse = async (details: Record<string, unknown>, error: AppError): Promise<never> => {
    await recordAudit(db, { actor: user, teamId: user.team.id, action, outcome: "denied", ip, details });
    throw error;
  };
  if (!can(user.role, action)) {
    await refuse(
      { role: user.role, requires: minimumRole(action) },
      new AppError("FORBIDDEN", `Your role (${user.role}) cannot do this; it needs ${minimumRole(action)}.`),
    );
  }
  if (PORTAL_ACTIONS.has(action) && !user.team.portal) {
    await refuse(
      { role: user.role, reason: "portal-wide setting outside the first team" },
      new AppError(
        "FORBIDDEN",
        "This setting is the whole portal's, not this team's: switch to the portal's first team, where its admins change it.",
      ),
    );
  }
  const refusal = secondFactorRefusal(user.secondFactor, action, new Date(), user.sessionId.startsWith("apikey:"));
  if (refusal) {
    await refuse({ role: user.role, reason: refusal.reason }, new AppError(refusal.code, refusal.message));
  }
  return user;
}
