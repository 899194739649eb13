// `wheelhouse-agent remove-nginx`, run by the install script's --uninstall: the managed nginx
// outlives the agent on purpose (apps keep serving through restarts and upgrades), so removing the
// agent must stop it explicitly; in system mode the agent's sites leave the system nginx, which
// is reloaded and keeps serving everything else. Both through NginxManager, the code that made them.
import type { AgentSettings } from "../config/settings";
import { createLogger } from "../logger";
import { NginxManager } from "./nginx-manager";

/** Returns a sentence saying what was done. */
export async function removeNginx(settings: AgentSettings): Promise<string> {
  const manager = new NginxManager(settings.nginx, createLogger("silent"));
  if (settings.nginx.mode === "managed") {
    await manager.stopManaged();
    return `The managed nginx under ${settings.nginx.prefixDir} is stopped.`;
  }
  if (settings.nginx.mode === "system") {
    await manager.start();
    await manager.apply([]);
    return `This agent's sites are removed from ${settings.nginx.systemSitesDir} and the system nginx reloaded.`;
  }
  return "nginx is off for this agent (NGINX_MODE=off): nothing to remove.";
}
