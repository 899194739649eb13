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
};

export function auditActionLabel(action: string): string {
  return LABELS[action] ?? action;
}
