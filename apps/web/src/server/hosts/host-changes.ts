// Adding and removing hosts as the Hosts page asks: an enrolment token with what the line to run on
// the machine needs (the page and the CLI build it with agentInstallCommand), and a revocation that
// also closes the agent's live connection at once.
import type { PortalServices } from "../services";
import { createEnrollmentToken, revokeHost } from "./enrollment";
import { portalInfo } from "./hosts";

type Services = Pick<PortalServices, "db" | "config" | "agents">;

export async function startEnrollment(
  services: Services,
  input: { teamId: string; hostName: string; createdById: string; ttlMs: number },
) {
  const created = await createEnrollmentToken(services.db, input);
  return { ...created, portal: portalInfo(services.config) };
}

/** The key stops working at once; the connected agent is told why and stops (exit 78). */
export async function revokeHostNow(services: Services, teamId: string, hostId: string) {
  const host = await revokeHost(services.db, teamId, hostId);
  services.agents.kick(host.id, "This host was revoked in the portal.");
  return host;
}
