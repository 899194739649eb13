// The role × action matrix, against the real server: every action in packages/shared's ACTIONS,
// tried by every role, must be allowed exactly when `can` says so, and every refusal is audited.
// Then the same roles on a real agent and engine: shells, attach and exec in a container Wheelhouse
// runs for the team's app and in one it does not (which mounts the Docker socket), environment
// values in inspect, and the container output in a failed deployment's log (issue 9).

import { ACTIONS, type Action, can, type Deployment, ROLES, type Role } from "@wheelhouse/shared";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { ADMIN, ApiClient, setUpAdmin } from "../support/api-client.ts";
import { sql } from "../support/database.ts";
import {
  deployTestApp,
  enrolHostWithNginx,
  removeAppContainers,
  type TestHost,
  waitForDeployment,
} from "../support/deployments.ts";
import {
  dockerAvailable,
  ensureTestAppImage,
  ensureTestImage,
  removeTestContainers,
  runDocker,
  TEST_APP_CRASH_LINE,
  testAppImage,
  testContainerLabels,
} from "../support/docker.ts";
import { waitForListedContainer } from "../support/inventory.ts";
import { type Portal, startPortal } from "../support/portal.ts";
import { apiKeyFor, type RestClient } from "../support/rest-client.ts";
import { freshCode } from "../support/second-factor.ts";
import { connectTerminal } from "../support/terminal-client.ts";

let portal: Portal;
let admin: ApiClient;
const clients = new Map<Role, ApiClient>();
let counter = 0;

/** A fresh member for actions that change someone, so each attempt has its own target. */
async function newTarget(): Promise<string> {
  counter += 1;
  const result = await admin.mutate<{ id: string }>("users.create", {
    email: `target${counter}@example.com`,
    name: `Target ${counter}`,
    password: "target-password-x",
    role: "viewer",
  });
  if (!result.data) throw new Error(`could not create a target: ${JSON.stringify(result.error)}`);
  return result.data.id;
}

/** An enrolled host (through the real enrolment endpoint), for actions on hosts. */
async function newHost(): Promise<string> {
  counter += 1;
  return enrollHostRow(admin, portal.url, `matrix-host-${counter}`);
}

/** How to attempt each action over the transport that offers it. Returns the HTTP-like status. */
const attempts: Record<Action, (client: ApiClient, role: Role) => Promise<number>> = {
  "portal.read": async (client) => {
    // forceNew: socket.io-client would otherwise reuse a cached connection, with another role's cookie.
    const socket = io(`${portal.url}/ui`, {
      transports: ["websocket"],
      forceNew: true,
      extraHeaders: { cookie: client.cookie ?? "", origin: portal.url },
    });
    try {
      return await new Promise<number>((resolve) => {
        socket.once("connect", () => resolve(200));
        socket.once("connect_error", () => resolve(403));
      });
    } finally {
      socket.close();
    }
  },
  "audit.read": async (client) => (await client.query("audit.list", {})).status,
  "audit.export": async (client) => {
    const res = await fetch(`${portal.url}/api/v1/audit/export?format=jsonl`, {
      headers: { cookie: client.cookie ?? "" },
    });
    await res.text();
    return res.status;
  },
  "users.read": async (client) => (await client.query("users.list")).status,
  "users.create": async (client, role) =>
    (
      await client.mutate("users.create", {
        email: `made-by-${role}-${++counter}@example.com`,
        name: "New",
        password: "new-password-12",
        role: "viewer",
      })
    ).status,
  "users.role.update": async (client) =>
    (await client.mutate("users.setRole", { userId: await newTarget(), role: "operator" })).status,
  "users.disable": async (client) =>
    (await client.mutate("users.setDisabled", { userId: await newTarget(), disabled: true })).status,
  "users.remove": async (client) => (await client.mutate("users.remove", { userId: await newTarget() })).status,
  "teams.create": async (client, role) =>
    (await client.mutate("teams.create", { name: `Made by ${role} ${++counter}` })).status,
  // Every role may switch, to a team of its own: the team it works in now.
  "teams.switch": async (client) => {
    const mine = await client.query<{ teams: { id: string; current: boolean }[] }>("teams.mine");
    const current = mine.data?.teams.find((team) => team.current);
    if (!current) throw new Error(`no current team: ${JSON.stringify(mine.error)}`);
    return (await client.mutate("teams.switch", { teamId: current.id })).status;
  },
  "users.invite": async (client, role) =>
    (await client.mutate("invites.create", { email: `invited-by-${role}-${++counter}@example.com`, role: "viewer" }))
      .status,
  // A link changes nothing until it is used; each allowed attempt replaces the last one for the viewer.
  "users.password.reset-link": async (client) =>
    (await client.mutate("passwordReset.createLink", { email: "viewer@example.com" })).status,
  // Reading is enough: the settings say who may get in, so even reading them is an admin's.
  "auth.sso.manage": async (client) => (await client.query("sso.settings")).status,
  "hosts.read": async (client) => (await client.query("hosts.list")).status,
  "hosts.create": async (client, role) =>
    (await client.mutate("hosts.createEnrollment", { name: `by-${role}-${++counter}` })).status,
  "hosts.revoke": async (client) => (await client.mutate("hosts.revoke", { hostId: await newHost() })).status,
  "hosts.ping": async (client) => (await client.mutate("hosts.pingAll")).status,
  // A refused role gets 403; an allowed one gets past the check to "no such container" (404) or
  // "agent not connected" (503) on a host without an agent.
  "containers.inspect": async (client) =>
    okIfPastPermission(
      (await client.query("containers.inspect", { hostId: await sharedHost(), id: "0".repeat(64) })).status,
    ),
  "containers.manage": async (client) =>
    okIfPastPermission(
      (await client.mutate("containers.action", { hostId: await sharedHost(), id: "0".repeat(64), action: "stop" }))
        .status,
    ),
  "apps.read": async (client) => (await client.query("apps.list")).status,
  "apps.create": async (client, role) =>
    (
      await client.mutate("apps.create", {
        name: `made-by-${role}-${++counter}`,
        image: "registry.example.com/team/app:1",
        pullPolicy: "never",
        port: 8080,
        hosts: [await sharedHost()],
      })
    ).status,
  "apps.update": async (client) =>
    (await client.mutate("apps.update", { name: await sharedApp(), replicas: 2 })).status,
  // On a host without an agent the deployment is queued and fails there; the permission check is what counts.
  "apps.deploy": async (client) => (await client.mutate("apps.deploy", { name: await sharedApp() })).status,
  "apps.rollback": async (client) =>
    okIfPastPermission((await client.mutate("apps.rollback", { name: await sharedApp(), releaseNumber: 99 })).status),
  "apps.maintenance": async (client) =>
    okIfPastPermission((await client.mutate("apps.maintenance", { name: await sharedApp(), enabled: true })).status),
  // The app has no instances: an allowed role gets past the check to an empty answer.
  "logs.read": async (client) =>
    okIfPastPermission((await client.query("logs.app", { name: await sharedApp() })).status),
  // Past the role check an operator also needs the shell grant (given here); then the made-up
  // container is "not on this host" (404), which means the permission let the call through.
  "containers.shell": async (client, role) => {
    if (role === "operator" || role === "approver") await grantShell(`${role}@example.com`);
    const size = { cols: 80, rows: 24 };
    const input = { hostId: await sharedHost(), containerId: "0".repeat(64), size };
    return okIfPastPermission((await client.mutate("terminal.openContainer", input)).status);
  },
  "hosts.shell": async (client) =>
    (await client.mutate("terminal.openHost", { hostId: await sharedHost(), size: { cols: 80, rows: 24 } })).status,
  // Reading the token's prefix is harmless but kept an admin's, like creating and revoking it.
  "registries.read": async (client) => (await client.query("registries.list")).status,
  // Each allowed role saves its own host, so one attempt never replaces another's.
  "registries.manage": async (client, role) =>
    (
      await client.mutate("registries.add", {
        host: `registry-${role}-${++counter}.example.com`,
        username: "ci",
        password: "matrix-registry-password",
      })
    ).status,
  "hooks.manage": async (client) => (await client.query("hooks.registry")).status,
  "incidents.read": async (client) => (await client.query("incidents.list", {})).status,
  // Each allowed role opens its own incident by hand; a refused one opens nothing.
  "incidents.manage": async (client, role) =>
    (await client.mutate("incidents.open", { title: `Opened by ${role} ${++counter}`, severity: "SEV4" })).status,
  "runbooks.read": async (client) => (await client.query("runbooks.list")).status,
  // Each allowed role saves its own runbook id, so every attempt is a first version.
  "runbooks.write": async (client, role) =>
    (await client.mutate("runbooks.save", { source: matrixRunbook(`matrix-${role}-${++counter}`, false) })).status,
  // A command step needs an admin whatever else the role may write: refused and audited as this action.
  "runbooks.write-command": async (client, role) =>
    (await client.mutate("runbooks.save", { source: matrixRunbook(`matrix-cmd-${role}-${++counter}`, true) })).status,
  // No such run: an allowed role gets past the check to "not found" (404).
  "runbooks.run": async (client) =>
    okIfPastPermission((await client.mutate("runbooks.runStep", { runId: "no-such-run", stepId: "look" })).status),
  // Creating (rotating) the team's discovery token: each allowed attempt replaces the last, harmlessly.
  "signals.manage": async (client) => (await client.mutate("signals.createToken", { kind: "prometheus" })).status,
  "apikeys.manage": async (client, role) =>
    (await client.mutate("account.createApiKey", { name: `key of ${role}` })).status,
  // Changed and changed back: the tests below sign in with each role's password (passwordOf).
  "account.password.change": async (client, role) => {
    const changed = await client.mutate("account.changePassword", {
      currentPassword: passwordOf(role),
      newPassword: `${role}-interim-password`,
    });
    if (changed.status !== 200) return changed.status;
    const back = await client.mutate("account.changePassword", {
      currentPassword: `${role}-interim-password`,
      newPassword: passwordOf(role),
    });
    if (back.status !== 200) throw new Error(`could not change ${role}'s password back: ${JSON.stringify(back.error)}`);
    return changed.status;
  },
  "account.sessions.read": async (client) => (await client.query("account.sessions")).status,
  // A second sign-in of the same person, ended from the first.
  "account.sessions.end": async (client, role) => {
    const second = new ApiClient(portal.url);
    if ((await second.signIn(emailOf(role), passwordOf(role))).status !== 200) throw new Error(`no second ${role}`);
    const listed = await second.query<{ sessions: { id: string; current: boolean }[] }>("account.sessions");
    const id = listed.data?.sessions.find((session) => session.current)?.id;
    if (!id) throw new Error(`no current session listed for ${role}: ${JSON.stringify(listed.error)}`);
    return (await client.mutate("account.endSession", { id })).status;
  },
  // Enrolled and turned off again with a recovery code, so no later attempt is asked for a code.
  "account.second-factor.manage": async (client, role) => {
    const { confirmed, recoveryCode } = await enrolSecondFactor(client, role);
    await turnOffSecondFactor(client, role, recoveryCode);
    return confirmed;
  },
  // A step-up needs a factor: enrolled first, confirmed with the next code, turned off afterwards.
  "auth.step-up": async (client, role) => {
    const { secret, recoveryCode } = await enrolSecondFactor(client, role);
    const stepped = await client.mutate("auth.stepUp", {
      code: await freshCode(portal.databaseUrl, emailOf(role), secret),
    });
    await turnOffSecondFactor(client, role, recoveryCode);
    return stepped.status;
  },
  "auth.second-factor.policy": async (client) => (await client.query("auth.secondFactorPolicy", {})).status,
  // A fresh member who enrolled (a refused role is stopped before the member is looked up).
  "users.second-factor.reset": async (client, role) => {
    const userId = can(role, "users.second-factor.reset") ? await targetWithSecondFactor() : "nobody";
    return (await client.mutate("users.resetSecondFactor", { userId })).status;
  },
  "approvals.read": async (client) => (await client.query("approvals.list", {})).status,
  // A request the operator made (a refused role is stopped before the request is looked at); an
  // allowed reviewer's approval meets the policy and runs it, as the operator.
  "approvals.review": async (client, role) => {
    const id = can(role, "approvals.review") ? await pendingRequestBy("operator") : "1";
    return (await client.mutate("approvals.approve", { id, comment: `approved by ${role}` })).status;
  },
  // Authors only: each allowed role cancels a request it made itself.
  "approvals.cancel": async (client, role) => {
    const id = can(role, "approvals.cancel") ? await pendingRequestBy(role) : "1";
    return (await client.mutate("approvals.cancel", { id })).status;
  },
  // Asking for break-glass needs the admin's action whatever the gated action; past the check the
  // maintenance switch is stored and the host without an agent answers 503.
  "approvals.break-glass": async (client, role) =>
    okIfPastPermission(
      (
        await client.mutate("apps.maintenance", {
          name: await productionApp(),
          enabled: true,
          breakGlass: true,
          reason: `matrix break-glass by ${role}`,
        })
      ).status,
    ),
  "approvals.policies.manage": async (client) =>
    (await client.mutate("approvals.savePolicies", { policies: MATRIX_POLICIES })).status,
  "certificates.read": async (client) => (await client.query("certificates.list", {})).status,
  // Each allowed role asks for the certificate of its own app's domain. No agent of the test's host
  // is connected, so the order fails before anything is sent (and the portal's directory is loopback).
  "certificates.manage": async (client, role) => {
    const domain = can(role, "certificates.manage") ? await appDomainFor(role) : "matrix-none.example.com";
    return (await client.mutate("certificates.issue", { domain })).status;
  },
  "certificates.settings.manage": async (client) =>
    (
      await client.mutate("certificates.saveAcmeSettings", {
        directoryUrl: "https://127.0.0.1:9/directory",
        caBundlePem: null,
        email: null,
      })
    ).status,
  // Each allowed role adds its own webhook, for an event nothing in this test sends.
  "notifications.manage": async (client, role) =>
    (
      await client.mutate("webhooks.create", {
        name: `Matrix ${role} ${++counter}`,
        url: "http://127.0.0.1:9/hook",
        events: ["certificate.expiring"],
      })
    ).status,
};

/** A valid runbook; `command` adds a command.run step, which only admins may save. */
function matrixRunbook(id: string, command: boolean): string {
  const commandStep = command
    ? `  - id: list
    title: List /srv
    check: command.run
    params: { argv: [ls, /srv] }
    expect: it lists
    onFail: the folder is missing
`
    : "";
  return `id: ${id}
version: 1
title: Matrix runbook
summary: Written by the role test.
steps:
  - id: look
    title: Look
    instructions: Read the logs.
${commandStep}`;
}

/** Gives a member the container shell grant (an admin's toggle on the Users page). */
async function grantShell(email: string): Promise<void> {
  const users = await admin.query<{ id: string; email: string }[]>("users.list");
  const user = users.data?.find((u) => u.email === email);
  if (!user) throw new Error(`no member ${email}`);
  const granted = await admin.mutate("users.setShellGrant", { userId: user.id, granted: true });
  if (granted.status !== 200) throw new Error(`could not grant the shell: ${JSON.stringify(granted.error)}`);
}

let sharedAppName: Promise<string> | undefined;
function sharedApp(): Promise<string> {
  sharedAppName ??= (async () => {
    const created = await admin.mutate("apps.create", {
      name: "matrix-app",
      image: "registry.example.com/team/app:1",
      pullPolicy: "never",
      port: 8080,
      hosts: [await sharedHost()],
    });
    if (created.status !== 200) throw new Error(`could not create the shared app: ${JSON.stringify(created.error)}`);
    return "matrix-app";
  })();
  return sharedAppName;
}

/** A fresh app serving its own domain, for a role's certificate request. */
async function appDomainFor(role: Role): Promise<string> {
  const name = `matrix-cert-${role}-${++counter}`;
  const domain = `${name}.example.com`;
  const created = await admin.mutate("apps.create", {
    name,
    image: "registry.example.com/team/app:1",
    pullPolicy: "never",
    port: 8080,
    domains: [domain],
    hosts: [await sharedHost()],
  });
  if (created.status !== 200) throw new Error(`could not create ${name}: ${JSON.stringify(created.error)}`);
  return domain;
}

/** The defaults, and maintenance in production too: the fixtures' requests are maintenance switches. */
const MATRIX_POLICIES = [
  {
    action: "apps.rollback",
    environment: "production",
    approvals: 1,
    reviewerRoles: ["approver", "admin"],
    requestExpirySeconds: 86_400,
    approvalValiditySeconds: 3_600,
  },
  {
    action: "apps.maintenance",
    environment: "production",
    approvals: 1,
    reviewerRoles: ["approver", "admin"],
    requestExpirySeconds: 86_400,
    approvalValiditySeconds: 3_600,
  },
];

let policiesSaved: Promise<void> | undefined;
/** A fresh production app (one pending request per app and action), with the matrix's policies saved. */
async function productionApp(): Promise<string> {
  policiesSaved ??= admin.mutate("approvals.savePolicies", { policies: MATRIX_POLICIES }).then((saved) => {
    if (saved.status !== 200) throw new Error(`could not save policies: ${JSON.stringify(saved.error)}`);
  });
  await policiesSaved;
  const name = `matrix-prod-${++counter}`;
  const created = await admin.mutate("apps.create", {
    name,
    environment: "production",
    image: "registry.example.com/team/app:1",
    pullPolicy: "never",
    port: 8080,
    hosts: [await sharedHost()],
  });
  if (created.status !== 200) throw new Error(`could not create ${name}: ${JSON.stringify(created.error)}`);
  return name;
}

/** A pending approval request (maintenance on) made by `role`'s member; its id. */
async function pendingRequestBy(role: Role): Promise<string> {
  const requester = clients.get(role);
  if (!requester) throw new Error(`no client for ${role}`);
  const asked = await requester.mutate<{ approval?: { requestId: string; status: string } }>("apps.maintenance", {
    name: await productionApp(),
    enabled: true,
    reason: `matrix request by ${role}`,
  });
  const requestId = asked.data?.approval?.requestId;
  if (asked.status !== 200 || !requestId) throw new Error(`no request was opened: ${JSON.stringify(asked)}`);
  return requestId;
}

/** 403 stays 403; "no such container" (404) or "agent not connected" (503) mean the check let the call through. */
function okIfPastPermission(status: number): number {
  if (status === 404 || status === 503) return 200;
  return status;
}

let sharedHostId: Promise<string> | undefined;
function sharedHost(): Promise<string> {
  sharedHostId ??= newHost();
  return sharedHostId;
}

beforeAll(async () => {
  portal = await startPortal();
  admin = await setUpAdmin(portal.url);
  clients.set("admin", admin);
  for (const role of ROLES.filter((r) => r !== "admin")) {
    await admin.mutate("users.create", {
      email: `${role}@example.com`,
      name: role,
      password: `${role}-password-12`,
      role,
    });
    const client = new ApiClient(portal.url);
    const signedIn = await client.signIn(`${role}@example.com`, `${role}-password-12`);
    if (signedIn.status !== 200) throw new Error(`could not sign in as ${role}`);
    clients.set(role, client);
  }
});
afterAll(async () => {
  await portal?.stop();
});

describe("role × action matrix", () => {
  it("has an attempt for every action the product defines", () => {
    expect(Object.keys(attempts).sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  const cases = ROLES.flatMap((role) =>
    (Object.keys(ACTIONS) as Action[]).map((action) => ({ role, action, allowed: can(role, action) })),
  );
  it.each(cases)("$role → $action: allowed=$allowed", async ({ role, action, allowed }) => {
    const client = clients.get(role);
    if (!client) throw new Error(`no client for ${role}`);
    const before = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE outcome = 'denied' AND action = $1`,
      [action],
    );
    const status = await attempts[action](client, role);
    expect(status).toBe(allowed ? 200 : 403);
    const after = await sql<{ n: number }>(
      portal.databaseUrl,
      `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE outcome = 'denied' AND action = $1`,
      [action],
    );
    expect(Number(after[0]?.n) - Number(before[0]?.n)).toBe(allowed ? 0 : 1);
  });

  it("refuses every procedure without a session (401), and a socket without one", async () => {
    const anonymous = new ApiClient(portal.url);
    expect((await anonymous.query("users.list")).status).toBe(401);
    expect((await anonymous.query("audit.list", {})).status).toBe(401);
    expect(
      (
        await anonymous.mutate("users.create", {
          email: "x@example.com",
          name: "X",
          password: "xxxxxxxxxxxx",
          role: "admin",
        })
      ).status,
    ).toBe(401);
    expect(await attempts["portal.read"](anonymous, "viewer")).toBe(403);
  });

  it("refuses a socket opened from another site's page, even with a valid cookie", async () => {
    const socket = io(`${portal.url}/ui`, {
      transports: ["websocket"],
      extraHeaders: { cookie: admin.cookie ?? "", origin: "https://evil.example" },
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connected"));
      socket.once("connect_error", (error) => resolve(error.message));
    });
    socket.close();
    expect(outcome).toMatch(/origin/);
  });

  it("refuses an agent whose key was never issued, and a malformed handshake", async () => {
    const connect = (auth: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(`${portal.url}/agent`, { transports: ["websocket"], auth, reconnection: false });
        socket.once("connect", () => resolve("connected"));
        socket.once("connect_error", (error) => resolve(error.message));
      });
    expect(await connect({ key: `wha_${"x".repeat(43)}`, version: "test" })).toMatch(/agent key is not valid/);
    expect(await connect({ key: "short", version: "test" })).toMatch(/Handshake refused: malformed: key/);
  });
});

/** The password each role's member signs in with (beforeAll above). */
function passwordOf(role: Role): string {
  return role === "admin" ? ADMIN.password : `${role}-password-12`;
}

/** Enrols an authenticator for the role's person (for the second-factor attempts). */
async function enrolSecondFactor(client: ApiClient, role: Role) {
  const started = await client.mutate<{ secret: string }>("account.startSecondFactor", {});
  if (!started.data) throw new Error(`${role} could not start enrolment: ${JSON.stringify(started.error)}`);
  const secret = started.data.secret;
  const code = await freshCode(portal.databaseUrl, emailOf(role), secret);
  const confirmed = await client.mutate<{ recoveryCodes: string[] }>("account.confirmSecondFactor", { code });
  const recoveryCode = confirmed.data?.recoveryCodes[0];
  if (!recoveryCode) throw new Error(`${role} could not confirm enrolment: ${JSON.stringify(confirmed.error)}`);
  return { confirmed: confirmed.status, secret, recoveryCode };
}

/** A fresh member with an authenticator, for an admin to reset. */
async function targetWithSecondFactor(): Promise<string> {
  const id = await newTarget();
  const email = `target${counter}@example.com`;
  const member = new ApiClient(portal.url);
  if ((await member.signIn(email, "target-password-x")).status !== 200) throw new Error(`no sign-in as ${email}`);
  const started = await member.mutate<{ secret: string }>("account.startSecondFactor", {});
  const code = await freshCode(portal.databaseUrl, email, started.data?.secret ?? "");
  const confirmed = await member.mutate("account.confirmSecondFactor", { code });
  if (confirmed.status !== 200) throw new Error(`${email} could not enrol: ${JSON.stringify(confirmed.error)}`);
  return id;
}

async function turnOffSecondFactor(client: ApiClient, role: Role, recoveryCode: string) {
  const off = await client.mutate("account.disableSecondFactor", { code: recoveryCode });
  if (off.status !== 200) throw new Error(`${role} could not turn the factor off: ${JSON.stringify(off.error)}`);
}

function emailOf(role: Role): string {
  return role === "admin" ? ADMIN.email : `${role}@example.com`;
}

async function deniedShells(): Promise<{ details: string }[]> {
  return sql<{ details: string }>(
    portal.databaseUrl,
    `SELECT details FROM "AuditEvent" WHERE outcome = 'denied' AND action = 'containers.shell' ORDER BY id`,
  );
}

describe("shells, exec and container output on a real engine", () => {
  type ContainerRow = { id: string; shell: "allowed" | "admin-only"; shellReason: string | null };
  let host: TestHost;
  const rest = new Map<Role, RestClient>();
  /** A container Wheelhouse runs for the team's app (a real deploy). */
  let managedId = "";
  /** A container Wheelhouse does not run, with the Docker socket mounted: root on the host. */
  let socketBoxId = "";
  let crashDeploymentId = "";
  const SECRET = "matrix-socket-secret";

  async function listed(): Promise<ContainerRow[]> {
    const result = await admin.query<{ containers: ContainerRow[] }>("containers.list", { hostId: host.id });
    return result.data?.containers ?? [];
  }

  beforeAll(async () => {
    if (!(await dockerAvailable()))
      throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
    const [image] = await Promise.all([ensureTestImage(), ensureTestAppImage("v1"), ensureTestAppImage("crash")]);
    host = await enrolHostWithNginx(admin, portal.url, "matrix-engine-host");
    for (const role of ROLES) {
      if (role === "operator" || role === "approver") await grantShell(emailOf(role));
      rest.set(role, await apiKeyFor(portal.url, emailOf(role), passwordOf(role)));
    }
    const adminRest = rest.get("admin");
    if (!adminRest) throw new Error("no admin API key");

    managedId = await deployTestApp(adminRest, "matrix-shell", host.id);

    const labels = Object.entries(testContainerLabels()).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
    socketBoxId = await runDocker([
      "run",
      "--detach",
      ...labels,
      "--network",
      "none",
      "--env",
      `API_TOKEN=${SECRET}`,
      "--volume",
      "/var/run/docker.sock:/var/run/docker.sock:ro",
      image,
      "sh",
      "-c",
      "trap 'exit 0' TERM; sleep 3000 & wait",
    ]);

    await adminRest.call("POST", "/apps", {
      name: "matrix-crash",
      image: testAppImage("crash"),
      pullPolicy: "never",
      port: 8080,
      hosts: [host.id],
    });
    const crash = await adminRest.call<{ deployment: Deployment }>("POST", "/apps/matrix-crash/deployments", {});
    crashDeploymentId = crash.body.deployment.id;
    expect((await waitForDeployment(adminRest, crashDeploymentId)).status).toBe("Failed");

    await waitForListedContainer(admin, host.id, managedId);
    await waitForListedContainer(admin, host.id, socketBoxId);
  }, 180_000);

  afterAll(async () => {
    await host?.tearDown();
    await removeAppContainers();
    await removeTestContainers();
  });

  it("tells the UI which containers count as the host, and why", async () => {
    const rows = await listed();
    expect(rows.find((c) => c.id === managedId)).toMatchObject({ shell: "allowed", shellReason: null });
    const socketBox = rows.find((c) => c.id === socketBoxId);
    expect(socketBox?.shell).toBe("admin-only");
    expect(socketBox?.shellReason).toMatch(/mounts the Docker socket\. A shell in it counts as a host shell/);
  });

  const shellCases = ROLES.flatMap((role) =>
    (["managed", "docker-socket"] as const).map((target) => ({
      role,
      target,
      allowed: can(role, "containers.shell") && (target === "managed" || can(role, "hosts.shell")),
    })),
  );
  it.each(shellCases)("$role → shell in the $target container: allowed=$allowed", async ({ role, target, allowed }) => {
    const client = clients.get(role);
    if (!client) throw new Error(`no client for ${role}`);
    const containerId = target === "managed" ? managedId : socketBoxId;
    const before = (await deniedShells()).length;
    const minted = await client.mutate<{ token: string }>("terminal.openContainer", {
      hostId: host.id,
      containerId,
      size: { cols: 80, rows: 24 },
    });
    expect(minted.status).toBe(allowed ? 200 : 403);
    const denied = await deniedShells();
    expect(denied.length - before).toBe(allowed ? 0 : 1);
    if (!allowed) {
      if (can(role, "containers.shell")) {
        expect(minted.error?.message).toMatch(/mounts the Docker socket.*only admins/);
        expect(JSON.parse(denied.at(-1)?.details ?? "{}")).toMatchObject({
          reason: "container counts as the host",
          via: "shell",
        });
      }
      return;
    }
    // Allowed: the token opens a real shell in that container.
    const shell = await connectTerminal(portal.url, client.cookie ?? "", minted.data?.token ?? "");
    await shell.waitFor(/[#$] /);
    shell.send("exit\r");
    await shell.ended;
  });

  it("lets an operator watch an admin's shell only where the operator could open one", async () => {
    const operator = clients.get("operator");
    if (!operator) throw new Error("no operator client");
    for (const [containerId, allowed] of [
      [managedId, true],
      [socketBoxId, false],
    ] as const) {
      const minted = await admin.mutate<{ token: string }>("terminal.openContainer", {
        hostId: host.id,
        containerId,
        size: { cols: 80, rows: 24 },
      });
      const shell = await connectTerminal(portal.url, admin.cookie ?? "", minted.data?.token ?? "");
      await shell.waitFor(/[#$] /);
      const before = (await deniedShells()).length;
      const watch = await operator.mutate("terminal.attach", { sessionId: shell.sessionId, mode: "watch" });
      expect(watch.status).toBe(allowed ? 200 : 403);
      const denied = await deniedShells();
      expect(denied.length - before).toBe(allowed ? 0 : 1);
      if (!allowed) expect(JSON.parse(denied.at(-1)?.details ?? "{}")).toMatchObject({ via: "attach" });
      shell.send("exit\r");
      await shell.ended;
    }
  });

  it.each(ROLES)("%s → wheelhouse exec in the app's instance", async (role) => {
    const client = rest.get(role);
    if (!client) throw new Error(`no API key for ${role}`);
    const ran = await client.call<{ exitCode: number; stdout: string }>("POST", "/apps/matrix-shell/exec", {
      command: ["echo", `exec-by-${role}`],
    });
    const allowed = can(role, "containers.shell");
    expect(ran.status).toBe(allowed ? 200 : 403);
    if (allowed) {
      expect(ran.body.exitCode).toBe(0);
      expect(Buffer.from(ran.body.stdout, "base64").toString()).toBe(`exec-by-${role}\n`);
    }
  });

  it.each(ROLES.filter((role) => can(role, "containers.inspect")))(
    "%s → environment values in inspect only where a shell is allowed",
    async (role) => {
      const client = clients.get(role);
      if (!client) throw new Error(`no client for ${role}`);
      const inspect = (id: string) =>
        client.query<{ Config: { Env: string[] } }>("containers.inspect", { hostId: host.id, id });
      const socketBox = await inspect(socketBoxId);
      expect(socketBox.status).toBe(200);
      const env = socketBox.data?.Config.Env ?? [];
      if (can(role, "hosts.shell")) expect(env).toContain(`API_TOKEN=${SECRET}`);
      else {
        expect(env).toContain("API_TOKEN=(hidden)");
        expect(JSON.stringify(socketBox.data)).not.toContain(SECRET);
      }
      // The app's own instance: its variables are readable with the shell grant (given above).
      const managed = await inspect(managedId);
      expect(managed.data?.Config.Env.some((line) => line.startsWith("PORT=") && line !== "PORT=(hidden)")).toBe(true);
    },
  );

  it.each(ROLES)("%s → the container output in a failed deployment's log", async (role) => {
    const client = rest.get(role);
    if (!client) throw new Error(`no API key for ${role}`);
    const log = await client.call<{ lines: { text: string }[] }>(
      "GET",
      `/deployments/${crashDeploymentId}/log?after=0`,
    );
    expect(log.status).toBe(200);
    const text = log.body.lines.map((line) => line.text).join("\n");
    expect(text).toContain("the container exited with code 3");
    if (can(role, "logs.read")) expect(text).toContain(TEST_APP_CRASH_LINE);
    else {
      expect(text).not.toContain(TEST_APP_CRASH_LINE);
      expect(text).toMatch(
        /lines? of the container's own output hidden: reading container output needs the logs\.read/,
      );
    }
  });
});
