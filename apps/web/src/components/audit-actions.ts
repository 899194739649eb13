// Words for audit actions, so the Audit page reads as sentences; the code stays beside them.
const LABELS: Record<string, string> = {
  "session.create": "Sign-in",
  "session.delete": "Sign-out",
  "users.create": "User created",
  "users.role.update": "Role changed",
  "users.disable": "User disabled",
  "users.enable": "User enabled",
  "users.read": "Members viewed",
  "audit.read": "Audit viewed",
  "portal.read": "Portal opened",
  "apps.create": "App created",
  "apps.update": "App settings changed",
  "apps.deploy": "Deploy started",
  "apps.rollback": "Rollback started",
  "apps.restart": "Restart started",
  "apps.scale": "Scale started",
  "apps.maintenance.on": "Maintenance turned on",
  "apps.maintenance.off": "Maintenance turned off",
  "apikeys.create": "API key created",
  "apikeys.revoke": "API key revoked",
  "terminal.open": "Shell opened",
  "terminal.close": "Shell closed",
  "terminal.watch": "Shell watched",
  "terminal.attach": "Shell attach",
  "terminal.exec": "Command run (exec)",
  "containers.shell": "Container shell",
  "hosts.shell": "Host shell",
  "users.shell-grant.update": "Shell grant changed",
  "hosts.enroll": "Host enrolment",
  "hosts.agent.key_in_use": "Host key in use by two agents",
  "metrics.scrape": "Metrics scrape",
  "socket.connect": "Live connection (socket)",
};

export function auditActionLabel(action: string): string {
  return LABELS[action] ?? action;
}
