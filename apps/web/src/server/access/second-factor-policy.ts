// Which roles of a team must use a second factor (TeamSecurity; no row: SECOND_FACTOR_DEFAULT_ROLES,
// admins unless the operator chose otherwise), and what a session knows about its person's factor.
import { ROLES, type Role, roleSchema, STEP_UP_MAX_AGE_MS } from "@wheelhouse/shared";
import { z } from "zod";
import type { Db } from "../db/client";

/** A session's view of the second factor, read with the session (sessions.ts, api-keys.ts). */
export interface SecondFactorState {
  /** An authenticator is enrolled and confirmed. */
  enabled: boolean;
  /** The person's role in this team must use one. */
  required: boolean;
  /** When this session last proved the factor; always null for an API key. */
  provedAt: Date | null;
}

let defaultRoles: readonly Role[] = ["admin"];

/** Set once at start-up from config.secondFactorDefaultRoles (main.ts); the sessions read it. */
export function configureSecondFactorDefaults(roles: readonly Role[]): void {
  defaultRoles = [...roles];
}

const storedRoles = z.array(roleSchema);

/** The stored JSON list; a row that cannot be read counts as every role (fail closed), not none. */
function parseRoles(json: string): Role[] {
  try {
    const parsed = storedRoles.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [...ROLES];
  } catch {
    return [...ROLES];
  }
}

/** The roles that must use a second factor, from a team's TeamSecurity row (or its absence). */
export function requiredRoles(security: { secondFactorRoles: string } | null | undefined): Role[] {
  return security ? parseRoles(security.secondFactorRoles) : [...defaultRoles];
}

export function secondFactorState(
  role: Role,
  factor: { enabledAt: Date | null } | null | undefined,
  security: { secondFactorRoles: string } | null | undefined,
  provedAt: Date | null,
): SecondFactorState {
  return { enabled: factor?.enabledAt != null, required: requiredRoles(security).includes(role), provedAt };
}

/** Whether a step-up is due: a person with a factor whose session proved it more than 15 minutes ago. */
export function stepUpDue(state: SecondFactorState, now: Date): boolean {
  if (!state.enabled) return false;
  return state.provedAt === null || now.getTime() - state.provedAt.getTime() > STEP_UP_MAX_AGE_MS;
}

export async function readPolicy(db: Db, teamId: string): Promise<{ roles: Role[] }> {
  const row = await db.teamSecurity.findUnique({ where: { teamId } });
  return { roles: requiredRoles(row) };
}

export async function savePolicy(db: Db, teamId: string, roles: readonly Role[]): Promise<{ roles: Role[] }> {
  const ordered = ROLES.filter((role) => roles.includes(role));
  const secondFactorRoles = JSON.stringify(ordered);
  await db.teamSecurity.upsert({
    where: { teamId },
    create: { teamId, secondFactorRoles },
    update: { secondFactorRoles },
  });
  return { roles: ordered };
}
