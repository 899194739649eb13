// The quick start's local agent (`npm start`): once the first team exists, the portal writes a
// single-use enrolment token for this machine to WHEELHOUSE_LOCAL_AGENT_TOKEN_FILE (mode 0600);
// scripts/lib/local-agent.sh enrols with it and runs the agent. Nothing happens when the setting is
// unset, when the file already exists, or when the host is already enrolled.
import { existsSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import type { PortalServices } from "../services";
import { createEnrollmentToken } from "./enrollment";

/** The quick start's host name: this machine's name, cut to what host names allow. */
export function localHostName(): string {
  return (
    hostname()
      .replace(/[^a-zA-Z0-9.-]/g, "-")
      .replace(/^[^a-zA-Z0-9]+/, "")
      .slice(0, 63) || "local"
  );
}

export async function prepareLocalAgentToken(services: PortalServices): Promise<void> {
  const file = services.config.localAgentTokenFile;
  if (!file || existsSync(file)) return;
  const admin = await services.db.membership.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" } });
  if (!admin) return; // No team yet: first-run setup will call us again.
  const name = localHostName();
  const existing = await services.db.host.findUnique({ where: { teamId_name: { teamId: admin.teamId, name } } });
  if (existing && !existing.revokedAt) return;
  const { token } = await createEnrollmentToken(services.db, {
    teamId: admin.teamId,
    hostName: name,
    createdById: admin.userId,
    ttlMs: 10 * 60_000,
  });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  services.logger.info({ host: name }, "wrote the local agent's enrolment token");
}
