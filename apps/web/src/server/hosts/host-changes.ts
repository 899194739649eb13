// Adding and removing hosts as the Hosts page asks: an enrolment token with the command to run on
// the machine, and a revocation that also closes the agent's live connection at once.
import type { PortalServices } from "../services";
import { createEnrollmentToken, enrollCommand, revokeHost } from "./enrollment";

type Services = Pick<PortalServices, "db" | "config" | "agents">;

export async function startEnrollment(
  services: Services,
  input: { teamId: string; hostName: string; createdById: string; ttlMs: number },
) {
  const created = await createEnrollmentToken(services.db, input);
  return { ...created, command: enrollCommand(services.config.publicUrl, created.token) };
}

/** The key stops working at once; the connected agent is told why and stops (exit 78). */
export async function revokeHostNow(services: Services, teamId: string, hostId: string) {
  const host = await revokeHost(services.db, teamId, hostId);
  services.agents.kick(host.id, "This host was revoked in the portal.");
  return host;
}
