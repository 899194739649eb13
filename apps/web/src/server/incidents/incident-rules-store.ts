// A team's signal rules: one IncidentRules row of JSON text, or none, which means the defaults
// (DEFAULT_INCIDENT_RULES). Saving replaces the whole ordered list: the first matching rule decides.
import { DEFAULT_INCIDENT_RULES, type IncidentRule, incidentRulesSchema } from "@wheelhouse/shared";
import type { Db } from "../db/client";

export interface TeamRules {
  rules: IncidentRule[];
  /** No rules saved: the defaults apply (and follow the product's defaults as they change). */
  isDefault: boolean;
}

export async function readTeamRules(db: Db, teamId: string): Promise<TeamRules> {
  const row = await db.incidentRules.findUnique({ where: { teamId }, select: { rules: true } });
  if (!row) return { rules: DEFAULT_INCIDENT_RULES, isDefault: true };
  // Written only by saveTeamRules, which parsed it: a failure here is a bug, not bad input.
  return { rules: incidentRulesSchema.parse(JSON.parse(row.rules)), isDefault: false };
}

export async function saveTeamRules(
  db: Db,
  teamId: string,
  rules: readonly IncidentRule[],
  actor: { id: string },
): Promise<TeamRules> {
  const parsed = incidentRulesSchema.parse(rules);
  const text = JSON.stringify(parsed);
  await db.incidentRules.upsert({
    where: { teamId },
    create: { teamId, rules: text, updatedById: actor.id },
    update: { rules: text, updatedById: actor.id },
  });
  return { rules: parsed, isDefault: false };
}
