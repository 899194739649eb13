// WHEELHOUSE_ADMIN_EMAIL / WHEELHOUSE_ADMIN_PASSWORD: create the first admin without the UI.
import { recordAudit } from "../audit/audit-log";
import type { PortalServices } from "../services";
import { createFirstAdmin, hasAnyAdmin } from "./accounts";

export async function bootstrapAdminFromEnv(services: PortalServices): Promise<void> {
  const admin = services.config.bootstrapAdmin;
  if (!admin || (await hasAnyAdmin(services.db))) return;
  const { user, team } = await createFirstAdmin(services.db, {
    email: admin.email,
    password: admin.password,
    name: admin.email.split("@")[0] ?? "Admin",
    teamName: "Default team",
  });
  await recordAudit(services.db, {
    actor: user,
    teamId: team.id,
    action: "users.create",
    target: { type: "user", id: user.id },
    outcome: "success",
    details: { role: "admin", via: "WHEELHOUSE_ADMIN_EMAIL" },
  });
  services.logger.info({ email: user.email }, "created the first admin from WHEELHOUSE_ADMIN_EMAIL");
}
