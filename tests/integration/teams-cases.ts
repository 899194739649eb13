// The cross-team table of teams.int.test.ts: for every tRPC procedure of the router, what team A's
// admin gets when naming one of team B's objects. Kept apart so the test file stays readable; a
// procedure added to the router without an entry here fails that test.

export const SIZE = { cols: 80, rows: 24 };

/** What team B owns, by the identifiers its pages and scripts use. */
export interface B {
  teamId: string;
  hostId: string;
  hostName: string;
  app: string;
  containerId: string;
  instanceId: string;
  deploymentId: string;
  certDomain: string;
  prodApp: string;
  approvalId: string;
  incidentId: string;
  incidentTitle: string;
  runbookSlug: string;
  runId: string;
  webhookId: string;
  webhookName: string;
  registryHost: string;
  inviteId: string;
  inviteEmail: string;
  memberId: string;
  memberEmail: string;
  shellSessionId: string;
  adaBSessionId: string;
  keyId: string;
  certPem: string;
  keyPem: string;
}

export type Case =
  /** Takes a team object: each input names one of B's, and the answer is 404. */
  | { kind: "not found"; inputs: (b: B) => unknown[] }
  /** A list or search: answers, and names none of B's objects. */
  | { kind: "lists none of B"; input?: (b: B) => unknown }
  /**
   * Names B's object inside a larger request (a host for an app, a lead for an incident): refused
   * exactly as the same request naming nothing that exists (status and sentence alike).
   */
  | { kind: "as if missing"; inputs: (b: B) => Twin[] }
  /** One setting for the whole portal, not a team's: any team's admin changes it for all (reported, issue 16). */
  | { kind: "portal-wide"; why: string }
  /** Takes no team object; `call` (if any) acts on A's own copy and must leave B as it was. */
  | { kind: "no team object"; why: string; call?: (b: B) => unknown };

/** A request naming B's object (`named`) and its twin naming one that does not exist (`missing`). */
export interface Twin {
  input: (id: string) => unknown;
  named: string;
  missing: string;
}
const asIfMissing = (inputs: (b: B) => Twin[]): Case => ({ kind: "as if missing", inputs });
const notFound = (inputs: (b: B) => unknown[]): Case => ({ kind: "not found", inputs });
const listsNone = (input?: (b: B) => unknown): Case => ({ kind: "lists none of B", input });
const own = (why: string, call?: (b: B) => unknown): Case => ({ kind: "no team object", why, call });

const SIGN_IN = "the person's own sign-in, not a team object";
const OWN_ACCOUNT = "the caller's own account (password, factors), in every team alike";
const TOKEN = "a link token is its own capability (tested in invites.int.test.ts and below)";
const SETTINGS = "the calling team's own settings: saving them changes A's copy (B's is compared)";
const portalWide = (why: string): Case => ({ kind: "portal-wide", why });
// A is the portal's first team, where portal-wide settings are changed (PORTAL_ACTIONS, decision 045);
// an admin working in B is refused them: teams-members.int.test.ts.
const ACME_ROW = "AcmeSettings is one row for the portal, changed only from its first team (A here)";
const SSO_ROW = "OidcSettings is one row for the portal, changed only from its first team (A here)";

export const CASES: Record<string, Case> = {
  "auth.verifySecondFactor": own(SIGN_IN),
  "auth.stepUp": own(SIGN_IN),
  "auth.secondFactorPolicy": own(SETTINGS),
  "auth.saveSecondFactorPolicy": own(SETTINGS, () => ({ roles: [] })),
  "auth.status": own(SIGN_IN),
  "auth.setup": own("only before the first admin exists"),
  "auth.signIn": own(SIGN_IN),
  "auth.signOut": own(SIGN_IN),
  "account.changePassword": own(OWN_ACCOUNT),
  "account.sessions": listsNone(),
  "account.endSession": notFound((b) => [{ id: b.adaBSessionId }]),
  "account.secondFactor": own(OWN_ACCOUNT),
  "account.startSecondFactor": own(OWN_ACCOUNT),
  "account.confirmSecondFactor": own(OWN_ACCOUNT),
  "account.disableSecondFactor": own(OWN_ACCOUNT),
  "account.regenerateRecoveryCodes": own(OWN_ACCOUNT),
  "account.me": listsNone(),
  "account.apiKeys": listsNone(),
  "account.createApiKey": own("a key of the caller's own, in the team the caller works in"),
  "account.revokeApiKey": notFound((b) => [{ id: b.keyId }]),
  "account.createApiKeyWithPassword": own(SIGN_IN),
  "account.users": listsNone(),
  "account.createUser": asIfMissing(() => [
    {
      input: (team) => ({ email: "x-in-b@example.com", password: "x-in-b-password", role: "viewer", team }),
      named: "Harbour",
      missing: "Nowhere",
    },
  ]),
  "apps.list": listsNone(),
  "apps.get": notFound((b) => [{ name: b.app }]),
  "apps.create": asIfMissing((b) => [
    {
      input: (hostId) => ({
        name: "a-on-b-host",
        image: "registry.example.com/a:1",
        pullPolicy: "never",
        port: 8080,
        hosts: [hostId],
      }),
      named: b.hostId,
      missing: "host_nowhere",
    },
  ]),
  "apps.update": notFound((b) => [{ name: b.app, replicas: 2 }]),
  "apps.maintenance": notFound((b) => [{ name: b.app, enabled: true }]),
  "apps.deploy": notFound((b) => [{ name: b.app }]),
  "apps.rollback": notFound((b) => [{ name: b.app, releaseNumber: 1 }]),
  "apps.restart": notFound((b) => [{ name: b.app }]),
  "apps.scale": notFound((b) => [{ name: b.app, replicas: 2 }]),
  "apps.releases": notFound((b) => [{ name: b.app }]),
  "apps.imageStatus": notFound((b) => [{ name: b.app }]),
  "apps.deployments": notFound((b) => [{ name: b.app }]),
  "apps.deployment": notFound((b) => [{ id: b.deploymentId }]),
  "apps.deploymentLog": notFound((b) => [{ id: b.deploymentId, after: 0 }]),
  "approvals.list": listsNone(() => ({ view: "all", status: "all" })),
  "approvals.get": notFound((b) => [{ id: b.approvalId }]),
  "approvals.approve": notFound((b) => [{ id: b.approvalId, comment: "from team A" }]),
  "approvals.deny": notFound((b) => [{ id: b.approvalId, comment: "from team A" }]),
  "approvals.cancel": notFound((b) => [{ id: b.approvalId }]),
  "approvals.policies": own(SETTINGS),
  "approvals.savePolicies": own(SETTINGS, () => ({ policies: [] })),
  "approvals.requirement": notFound((b) => [{ app: b.prodApp, action: "apps.maintenance" }]),
  "users.resetSecondFactor": notFound((b) => [{ userId: b.memberId }]),
  "users.list": listsNone(),
  "users.create": own("makes a new account in A; an email B already has is refused (checked below)"),
  "users.setRole": notFound((b) => [{ userId: b.memberId, role: "admin" }]),
  "users.setShellGrant": notFound((b) => [{ userId: b.memberId, granted: true }]),
  "users.setDisabled": notFound((b) => [{ userId: b.memberId, disabled: true }]),
  "users.remove": notFound((b) => [{ userId: b.memberId }]),
  "teams.mine": listsNone(),
  "teams.create": own("a new team, whose admin the caller becomes"),
  "teams.switch": notFound((b) => [{ teamId: b.teamId }]),
  "invites.create": own("inviting an email another team has is the feature (see the invites test below)"),
  "invites.list": listsNone(),
  "invites.revoke": notFound((b) => [{ id: b.inviteId }]),
  "invites.info": own(TOKEN),
  "invites.accept": own(TOKEN),
  "invites.join": own(TOKEN),
  "passwordReset.createLink": notFound((b) => [{ email: b.memberEmail }]),
  "passwordReset.info": own(TOKEN),
  "passwordReset.reset": own(TOKEN),
  "sso.status": own("whether single sign-on is offered, before anyone signs in"),
  "sso.settings": portalWide(SSO_ROW),
  "sso.save": portalWide(SSO_ROW),
  "sso.reset": portalWide(SSO_ROW),
  "audit.list": listsNone(() => ({})),
  "hosts.list": listsNone(),
  "hosts.get": notFound((b) => [{ hostId: b.hostId }]),
  "hosts.samples": notFound((b) => [{ hostId: b.hostId }]),
  "hosts.pingAll": own("pings the caller's team's hosts", () => undefined),
  "hosts.createEnrollment": own("a token for a new host of the caller's team", () => ({ name: "a-new-host" })),
  "hosts.revoke": notFound((b) => [{ hostId: b.hostId }]),
  "containers.list": notFound((b) => [{ hostId: b.hostId }]),
  "containers.inspect": notFound((b) => [{ hostId: b.hostId, id: b.containerId }]),
  "containers.action": notFound((b) => [{ hostId: b.hostId, id: b.containerId, action: "stop" }]),
  "logs.app": notFound((b) => [{ name: b.app }]),
  "terminal.access": own("what the caller's role may open"),
  "terminal.openContainer": notFound((b) => [{ hostId: b.hostId, containerId: b.containerId, size: SIZE }]),
  "terminal.openInstance": notFound((b) => [{ instanceId: b.instanceId, size: SIZE }]),
  "terminal.openHost": notFound((b) => [{ hostId: b.hostId, size: SIZE }]),
  "terminal.attach": notFound((b) => [
    { sessionId: b.shellSessionId, mode: "watch" },
    { sessionId: b.shellSessionId, mode: "control" },
  ]),
  "terminal.sessions": listsNone((b) => ({ hostId: b.hostId })),
  "terminal.recording": notFound((b) => [{ id: b.shellSessionId }]),
  "terminal.exec": notFound((b) => [{ name: b.app, command: ["echo", "from-a"] }]),
  "hooks.registry": own(SETTINGS),
  "hooks.createRegistryToken": own(SETTINGS, () => ({})),
  "hooks.revokeRegistryToken": own(SETTINGS),
  "registries.list": listsNone(),
  "registries.add": own(SETTINGS, (b) => ({ host: b.registryHost, username: "a-ci", password: "a-registry-pw" })),
  "registries.remove": own("a host name, not an id: A's own login for it (added just before) is removed", (b) => ({
    host: b.registryHost,
  })),
  "certificates.list": listsNone(),
  "certificates.get": notFound((b) => [{ domain: b.certDomain }]),
  "certificates.issue": notFound((b) => [{ domain: b.certDomain }]),
  "certificates.renew": notFound((b) => [{ domain: b.certDomain }]),
  "certificates.upload": notFound((b) => [{ domain: b.certDomain, certificatePem: b.certPem, keyPem: b.keyPem }]),
  "certificates.acmeSettings": portalWide(ACME_ROW),
  "certificates.saveAcmeSettings": portalWide(ACME_ROW),
  "certificates.resetAcmeSettings": portalWide(ACME_ROW),
  "incidents.list": listsNone(() => ({ status: "all" })),
  "incidents.get": notFound((b) => [{ id: b.incidentId }]),
  "incidents.open": asIfMissing((b) => [
    { input: (app) => ({ title: "A on B's app", severity: "SEV4", app }), named: b.app, missing: "nowhere-app" },
    {
      input: (hostId) => ({ title: "A on B's host", severity: "SEV4", hostId }),
      named: b.hostId,
      missing: "host_nowhere",
    },
    {
      input: (leadId) => ({ title: "A led by B", severity: "SEV4", leadId }),
      named: b.memberId,
      missing: "user_nowhere",
    },
  ]),
  "incidents.update": notFound((b) => [{ id: b.incidentId, status: "Resolved" }]),
  "incidents.addNote": notFound((b) => [{ id: b.incidentId, text: "from team A" }]),
  "incidents.savePostmortem": notFound((b) => [{ id: b.incidentId, postmortem: { summary: "from team A" } }]),
  "incidents.rules": own(SETTINGS),
  "incidents.saveRules": own(SETTINGS),
  "incidents.signals": listsNone(() => ({})),
  "runbooks.list": listsNone(),
  "runbooks.get": notFound((b) => [{ slug: b.runbookSlug }]),
  "runbooks.validate": own("checks text, stores nothing"),
  "runbooks.save": own("a version of A's own runbook of that id (B's keeps its versions)", (b) => ({
    source: runbookYaml(b.runbookSlug, "A's copy"),
  })),
  "runbooks.runs": notFound((b) => [{ id: b.incidentId }]),
  "runbooks.attach": notFound((b) => [{ id: b.incidentId, slug: b.runbookSlug }]),
  "runbooks.runStep": notFound((b) => [{ runId: b.runId, stepId: "look" }]),
  "runbooks.tickStep": notFound((b) => [{ runId: b.runId, stepId: "look", done: true }]),
  "signals.tokens": own(SETTINGS),
  "signals.createToken": own(SETTINGS, () => ({ kind: "prometheus" })),
  "signals.revokeToken": own(SETTINGS),
  "webhooks.list": listsNone(),
  "webhooks.create": own("a new webhook of A's, named as B's is", (b) => ({
    name: b.webhookName,
    url: "http://127.0.0.1:9/a-hook",
    events: ["certificate.expiring"],
  })),
  "webhooks.update": notFound((b) => [{ id: b.webhookId, name: "renamed by A" }]),
  "webhooks.delete": notFound((b) => [{ id: b.webhookId }]),
  "webhooks.test": notFound((b) => [{ id: b.webhookId }]),
  "webhooks.deliveries": notFound((b) => [{ id: b.webhookId }]),
};

export function runbookYaml(id: string, title: string): string {
  return `id: ${id}\nversion: 1\ntitle: ${title}\nsummary: Cross-team test.\nsteps:\n  - id: look\n    title: Look\n    instructions: Read the logs.\n`;
}
