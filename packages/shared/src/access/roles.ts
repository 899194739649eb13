// Roles and what each may do. The one table both the portal's procedures and its socket handlers
// consult (via `can`), and that the UI mirrors to hide actions a person may not take.
// DESIGN.md "Access, approvals, audit": viewer reads; operator deploys, restarts, reads logs, runs
// runbooks and incidents, requests rollbacks; approver is operator plus reviews; admin manages
// members, hosts, settings and host shells.
import { z } from "zod";

export const ROLES = ["viewer", "operator", "approver", "admin"] as const;
export const roleSchema = z.enum(ROLES, { message: `Role must be one of: ${ROLES.join(", ")}.` });
export type Role = z.infer<typeof roleSchema>;

/** Each action names `resource.verb`, the same vocabulary as audit events. */
export const ACTIONS = {
  "portal.read": "viewer",
  "audit.read": "viewer",
  // The export streams what audit.read already shows page by page: no more than a viewer may read.
  "audit.export": "viewer",
  "users.read": "viewer",
  "users.create": "admin",
  "users.role.update": "admin",
  "users.disable": "admin",
  // Several teams (issue 16): taking someone out of this team is an admin's, like disabling them.
  "users.remove": "admin",
  // Any admin may start a team (and becomes its admin); anyone may switch to a team they belong to.
  "teams.create": "admin",
  "teams.switch": "viewer",
  // Single-use links (issue 16): an invite to join with a role, and a password reset for a member.
  // Either lets its holder act as that person, so both are an admin's, like creating a user.
  "users.invite": "admin",
  "users.password.reset-link": "admin",
  // Single sign-on (issue 16): the provider, who may sign in through it, the roles its groups give,
  // and whether passwords still work decide who gets in at all, so they are an admin's.
  "auth.sso.manage": "admin",
  "hosts.read": "viewer",
  "hosts.create": "admin",
  "hosts.revoke": "admin",
  "hosts.ping": "operator",
  // Inspect shows a container's environment, which may hold secrets: operators and up.
  "containers.inspect": "operator",
  "containers.manage": "operator",
  "apps.read": "viewer",
  "apps.create": "operator",
  "apps.update": "operator",
  "apps.deploy": "operator",
  // Operators roll back; where the team's approval policy gates it (production by default), their
  // call opens an approval request instead (issue 14), and an approver's review runs it.
  "apps.rollback": "operator",
  "apps.maintenance": "operator",
  // Reading container, app, deployment and agent logs (they may hold data a viewer should not see).
  "logs.read": "operator",
  // A shell inside a container: operators and up who also hold the shell grant (DESIGN.md "Access").
  "containers.shell": "operator",
  // A shell on the host itself is root on the machine: admins only.
  "hosts.shell": "admin",
  // The team's registry logins: anyone may see which registries and user names (never a password);
  // adding or removing one, and the push-hook token that deploys on push, is an admin's.
  "registries.read": "viewer",
  "registries.manage": "admin",
  "hooks.manage": "admin",
  // Incidents and runbooks (issue 13): everyone reads; operators open and work incidents, attach
  // runbooks and run their steps, and write runbooks; a runbook step that runs an arbitrary command
  // is root-like on the host, so only admins may write one. Signal rules and the tokens that let
  // Alertmanager and Prometheus in are settings: admins.
  "incidents.read": "viewer",
  "incidents.manage": "operator",
  "runbooks.read": "viewer",
  "runbooks.run": "operator",
  "runbooks.write": "operator",
  "runbooks.write-command": "admin",
  "signals.manage": "admin",
  // Approvals (issue 14): everyone sees requests; reviewing is the approver's job (the policy may
  // narrow it to admins); authors cancel their own (operators ask, so operators cancel); only an
  // admin may skip the review with a reason (break-glass) or change which actions need one.
  "approvals.read": "viewer",
  "approvals.review": "approver",
  "approvals.cancel": "operator",
  "approvals.break-glass": "admin",
  "approvals.policies.manage": "admin",
  // Outgoing webhooks carry the team's events to other systems and their URLs may hold secrets
  // (a Slack webhook URL is one): admins read and manage them.
  "notifications.manage": "admin",
  // Certificates (issue 15): anyone reads them; operators, who add domains to apps, ask for and
  // renew their certificates; which ACME directory the portal trusts is an admin's choice.
  "certificates.read": "viewer",
  "certificates.manage": "operator",
  "certificates.settings.manage": "admin",
  // Each person's own API keys (same permissions as the person): everyone may have them.
  "apikeys.manage": "viewer",
  // One's own account (issue 16): one's password and one's sessions; everyone has an account.
  "account.password.change": "viewer",
  "account.sessions.read": "viewer",
  "account.sessions.end": "viewer",
  // Second factor (issue 16 item 5): everyone enrols, disables and renews recovery codes for their
  // own account, and confirms a step-up; which roles must use one is a team setting: admins.
  "account.second-factor.manage": "viewer",
  "auth.step-up": "viewer",
  "auth.second-factor.policy": "admin",
  // Clearing a member's lost factor (phone and recovery codes gone) is an admin's, like a reset link.
  "users.second-factor.reset": "admin",
} as const satisfies Record<string, Role>;

export type Action = keyof typeof ACTIONS;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2, admin: 3 };

/** The least role that may take `action`. */
export function minimumRole(action: Action): Role {
  return ACTIONS[action];
}

export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role) return false;
  return RANK[role] >= RANK[ACTIONS[action]];
}

/**
 * Settings of the whole portal, not of one team (decision 045): the single sign-on provider and the
 * certificate authority. An admin may change them only while working in the portal's first team, so
 * an admin of any other team cannot change how everyone signs in or where certificates come from.
 */
export const PORTAL_ACTIONS: ReadonlySet<Action> = new Set<Action>(["auth.sso.manage", "certificates.settings.manage"]);

/** `can`, for a person working in a team: portal-wide settings need the portal's first team too. */
export function canInTeam(role: Role | null | undefined, action: Action, team: { portal: boolean }): boolean {
  return can(role, action) && (team.portal || !PORTAL_ACTIONS.has(action));
}

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: "Sees apps, hosts, incidents and the audit log. Changes nothing.",
  operator: "Deploys, restarts, reads logs, runs runbooks, works incidents and requests rollbacks.",
  approver: "Everything an operator does, and reviews requests that need a second person.",
  admin: "Everything, plus members, hosts, settings and host shells.",
};
