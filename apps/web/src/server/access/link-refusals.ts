// A refused use of an invite or reset link is audited. A real link (used, revoked, expired, or
// lost to a use that arrived at the same moment) is worth its own event in its team's trail: it
// may be a replay. An unknown token is anonymous noise, counted per address by the refusal tally.
import { recordAudit } from "../audit/audit-log";
import type { PortalServices } from "../services";

interface RefusedLink {
  id: string;
  teamId: string;
  email: string;
}

export async function auditRefusedLinkUse(
  services: Pick<PortalServices, "db" | "refusals">,
  action: string,
  link: RefusedLink | null,
  reason: string,
  ip: string,
): Promise<void> {
  if (!link) {
    await services.refusals.record({ actor: null, teamId: null, action, outcome: "failure", ip, details: { reason } });
    return;
  }
  await recordAudit(services.db, {
    actor: null,
    teamId: link.teamId,
    action,
    target: { type: "account-link", id: link.id },
    outcome: "failure",
    ip,
    details: { email: link.email, reason },
  });
}
