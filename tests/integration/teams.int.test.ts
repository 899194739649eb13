// Several teams (issue 16), against the real portal, agent, Docker engine and nginx: team B owns
// real objects (a host with its agent, a running app, releases, an incident with a runbook, an
// approval request, a webhook, a registry login, an API key, a shell, a certificate request), and
// team A's admin — the strongest role — tries every tRPC procedure and every REST route on them.
// Each must answer like an object that does not exist (404), lists show none of them, and B reads
// the same before and after. The table (teams-cases.ts) is keyed by procedure path and checked
// against the router, so a procedure added later without a cross-team case fails here.
// Sockets across teams: teams-sockets.int.test.ts; a person in two teams (invites, roles, API
// keys): teams-members.int.test.ts.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollHostRow } from "../support/agents.ts";
import { sql } from "../support/database.ts";
import { deployTestApp, enrolHostWithNginx, removeAppContainers, type TestHost } from "../support/deployments.ts";
import { dockerAvailable, ensureTestAppImage, removeTestContainers } from "../support/docker.ts";
import { type Portal, repoRoot, startPortal } from "../support/portal.ts";
import { apiKeyFor } from "../support/rest-client.ts";
import { addMember, memberOf, ok, setUpTwoTeams, type TwoTeams } from "../support/teams.ts";
import { connectTerminal, type TerminalClient } from "../support/terminal-client.ts";
import { type B, CASES, runbookYaml, SIZE } from "./teams-cases.ts";

const run = promisify(execFile);
interface ProcedureDef {
  _def: { type: "query" | "mutation" | "subscription"; meta?: { openapi?: { method: string; path: string } } };
}
let PROCEDURES: Record<string, ProcedureDef> = {};

/**
 * The router's procedures, imported by path at run time: a static import would bring the portal's
 * Next.js type declarations (which change NodeJS.ProcessEnv) into the tests' type program.
 */
async function routerProcedures(): Promise<Record<string, ProcedureDef>> {
  const path = join(repoRoot, "apps", "web", "src", "server", "trpc", "root-router.ts");
  const loaded = (await import(path)) as { appRouter: { _def: { procedures: Record<string, ProcedureDef> } } };
  return loaded.appRouter._def.procedures;
}

let portal: Portal;
let teams: TwoTeams;
let host: TestHost;
let shell: TerminalClient | undefined;
let b: B;
let certDir = "";

/** A self-signed certificate for B's domain (a well-formed upload, so only the team check can refuse it). */
async function selfSigned(domain: string): Promise<{ certPem: string; keyPem: string }> {
  certDir = mkdtempSync(join(tmpdir(), "wheelhouse-teams-cert-"));
  const [key, cert] = [join(certDir, "key.pem"), join(certDir, "cert.pem")];
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "30",
    "-subj",
    `/CN=${domain}`,
    "-addext",
    `subjectAltName=DNS:${domain}`,
    "-keyout",
    key,
    "-out",
    cert,
  ]);
  return { certPem: readFileSync(cert, "utf8"), keyPem: readFileSync(key, "utf8") };
}

/** Builds B's objects as B's admin (Ada, switched to B) and B's API key. */
async function buildTeamB(): Promise<B> {
  const { adaB, restB } = teams;
  const memberEmail = "b-only@example.com";
  const memberId = await addMember(adaB, memberEmail, "operator");
  host = await enrolHostWithNginx(adaB, portal.url, "harbour-host");
  const containerId = await deployTestApp(restB, "b-shop", host.id, { domains: [] });
  const detail = await ok(
    adaB.query<{ app: { instances: { id: string }[] } }>("apps.get", { name: "b-shop" }),
    "B app",
  );
  const deployments = await ok(
    adaB.query<{ deployments: { id: string }[] }>("apps.deployments", { name: "b-shop" }),
    "B deployments",
  );
  const spare = await enrollHostRow(adaB, portal.url, "harbour-spare");
  const certDomain = "b-cert.example.com";
  const base = { image: "registry.example.com/harbour/app:1", pullPolicy: "never", port: 8080, hosts: [spare] };
  await ok(adaB.mutate("apps.create", { ...base, name: "b-cert", domains: [certDomain] }), "B cert app");
  await ok(adaB.mutate("certificates.issue", { domain: certDomain }), "B certificate order");
  await ok(
    adaB.mutate("approvals.savePolicies", {
      policies: [
        {
          action: "apps.maintenance",
          environment: "production",
          approvals: 1,
          reviewerRoles: ["approver", "admin"],
          requestExpirySeconds: 86_400,
          approvalValiditySeconds: 3_600,
        },
      ],
    }),
    "B policies",
  );
  await ok(adaB.mutate("apps.create", { ...base, name: "b-prod", environment: "production" }), "B prod app");
  const asked = await ok(
    adaB.mutate<{ approval?: { requestId: string } }>("apps.maintenance", {
      name: "b-prod",
      enabled: true,
      reason: "B's request",
    }),
    "B approval request",
  );
  const incidentTitle = "Harbour outage";
  const incident = await ok(
    adaB.mutate<{ incident: { id: string } }>("incidents.open", {
      title: incidentTitle,
      severity: "SEV3",
      app: "b-shop",
    }),
    "B incident",
  );
  const runbookSlug = "harbour-checks";
  await ok(adaB.mutate("runbooks.save", { source: runbookYaml(runbookSlug, "Harbour checks") }), "B runbook");
  const attached = await ok(
    adaB.mutate<{ id: string }>("runbooks.attach", { id: incident.incident.id, slug: runbookSlug }),
    "B runbook run",
  );
  const webhookName = "Harbour hook";
  const webhook = await ok(
    adaB.mutate<{ endpoint: { id: string } }>("webhooks.create", {
      name: webhookName,
      url: "http://127.0.0.1:9/harbour",
      events: ["certificate.expiring"],
    }),
    "B webhook",
  );
  const registryHost = "registry.harbour.example.com";
  await ok(
    adaB.mutate("registries.add", { host: registryHost, username: "ci", password: "harbour-registry-pw" }),
    "B registry",
  );
  const inviteEmail = "b-invitee@example.com";
  const invite = await ok(
    adaB.mutate<{ invite: { id: string } }>("invites.create", { email: inviteEmail, role: "viewer" }),
    "B invite",
  );
  await ok(adaB.mutate("hooks.createRegistryToken", {}), "B hook token");
  await ok(adaB.mutate("signals.createToken", { kind: "prometheus" }), "B signal token");
  const minted = await ok(
    adaB.mutate<{ token: string }>("terminal.openContainer", { hostId: host.id, containerId, size: SIZE }),
    "B shell token",
  );
  shell = await connectTerminal(portal.url, adaB.cookie ?? "", minted.token);
  await shell.waitFor(/[#$] /);
  const sessions = await ok(
    adaB.query<{ sessions: { id: string; current: boolean }[] }>("account.sessions"),
    "sessions",
  );
  const instanceId = detail.app.instances[0]?.id;
  const deploymentId = deployments.deployments[0]?.id;
  const approvalId = asked.approval?.requestId;
  const adaBSessionId = sessions.sessions.find((s) => s.current)?.id;
  if (!instanceId || !deploymentId || !approvalId || !adaBSessionId) throw new Error("B's setup is incomplete");
  return {
    teamId: teams.teamB.id,
    hostId: host.id,
    hostName: "harbour-host",
    app: "b-shop",
    containerId,
    instanceId,
    deploymentId,
    certDomain,
    prodApp: "b-prod",
    approvalId,
    incidentId: incident.incident.id,
    incidentTitle,
    runbookSlug,
    runId: attached.id,
    webhookId: webhook.endpoint.id,
    webhookName,
    registryHost,
    inviteId: invite.invite.id,
    inviteEmail,
    memberId,
    memberEmail,
    shellSessionId: shell.sessionId,
    adaBSessionId,
    keyId: teams.restBKeyId,
    ...(await selfSigned(certDomain)),
  };
}

/** Strings naming B's objects: none may appear in anything A is shown. */
function markersOf(objects: B): string[] {
  return [
    objects.hostId,
    objects.hostName,
    objects.app,
    objects.containerId,
    objects.instanceId,
    objects.deploymentId,
    objects.certDomain,
    objects.prodApp,
    objects.approvalId,
    objects.incidentId,
    objects.incidentTitle,
    objects.runId,
    objects.webhookId,
    objects.registryHost,
    objects.inviteId,
    objects.inviteEmail,
    objects.memberId,
    objects.memberEmail,
    objects.shellSessionId,
    objects.adaBSessionId,
    objects.keyId,
    "harbour-spare",
    "Harbour checks",
  ];
}

/** Fields that move on their own (telemetry, timers): left out of B's before/after comparison. */
const VOLATILE =
  /^(lastSeenAt|lastSeen|seenAt|samples|cpu|memory|disk|load|uptime|health|checkedAt|lastCheckedAt|lastUsedAt|updatedAt|expiresAt|connectedAt|telemetry|metrics|latestSample|stats|ageSeconds)$/i;

/** B as its admin reads it, for comparing before and after A's attempts. */
async function readTeamB(): Promise<Record<string, unknown>> {
  const { adaB } = teams;
  const reads: [string, unknown][] = [
    ["apps.list", undefined],
    ["apps.get", { name: b.app }],
    ["apps.releases", { name: b.app }],
    ["apps.deployments", { name: b.app }],
    ["apps.get", { name: b.prodApp }],
    ["hosts.list", undefined],
    ["users.list", undefined],
    ["invites.list", undefined],
    ["approvals.get", { id: b.approvalId }],
    ["approvals.policies", undefined],
    ["incidents.get", { id: b.incidentId }],
    ["runbooks.get", { slug: b.runbookSlug }],
    ["runbooks.runs", { id: b.incidentId }],
    ["webhooks.list", undefined],
    ["webhooks.deliveries", { id: b.webhookId }],
    ["registries.list", undefined],
    ["hooks.registry", undefined],
    ["signals.tokens", undefined],
    ["certificates.acmeSettings", undefined],
    ["certificates.get", { domain: b.certDomain }],
    ["incidents.rules", undefined],
    ["auth.secondFactorPolicy", {}],
  ];
  const state: Record<string, unknown> = {};
  for (const [path, input] of reads) {
    const answer = await adaB.query(path, input);
    state[`${path} ${JSON.stringify(input ?? null)}`] = JSON.parse(
      JSON.stringify(answer.data ?? answer.error, (key, value: unknown) => (VOLATILE.test(key) ? undefined : value)),
    );
  }
  const audit = await sql<{ n: number }>(
    portal.databaseUrl,
    `SELECT COUNT(*) AS n FROM "AuditEvent" WHERE "teamId" = $1 AND "actorEmail" = $2`,
    [teams.teamB.id, memberOf(teams, "admin").email],
  );
  state["audit events by A's admin in B"] = Number(audit[0]?.n);
  return state;
}

/** A made-up identifier shaped like `value` (same length and alphabet, or an email or domain), naming nothing. */
function madeUp(value: string): string {
  if (value.includes("@")) return "nobody@example.com";
  if (value.includes(".")) return "nowhere.example.com";
  return `${value.slice(0, -4)}0000`;
}

/** `input` with the top-level field that names one of B's objects replaced by a made-up value. */
function missingTwin(input: unknown): { input: Record<string, unknown>; named: string; missing: string } | undefined {
  const fields = Object.entries(input as Record<string, unknown>);
  const named = Object.values(b).filter((value) => typeof value === "string");
  const found = fields.find(([, value]) => typeof value === "string" && named.includes(value));
  if (!found) return undefined;
  const [key, value] = found as [string, string];
  const missing = madeUp(value);
  return { input: { ...(input as Record<string, unknown>), [key]: missing }, named: value, missing };
}

function elide(message: string | undefined, value: string): string | undefined {
  return message?.replaceAll(value, "…");
}

/** The REST request for a procedure's input: path parameters filled in, the rest as query or body. */
function restRequest(openapi: { method: string; path: string }, input: Record<string, unknown>) {
  const rest = { ...input };
  const path = openapi.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  if (openapi.method === "GET" || openapi.method === "DELETE") {
    const query = new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)])).toString();
    return { method: openapi.method, path: query ? `${path}?${query}` : path, body: undefined };
  }
  return { method: openapi.method, path, body: rest };
}

/** B's markers in an answer, leaving out those the caller sent itself (a sentence may echo its input). */
function leaked(answer: unknown, input?: unknown): string[] {
  const text = JSON.stringify(answer) ?? "";
  const sent = JSON.stringify(input) ?? "";
  return markersOf(b).filter((marker) => text.includes(marker) && !sent.includes(marker));
}

beforeAll(async () => {
  if (!(await dockerAvailable()))
    throw new Error("No Docker engine answers: run scripts/system/docker-engine.sh start.");
  await ensureTestAppImage("v1");
  PROCEDURES = await routerProcedures();
  portal = await startPortal();
  teams = await setUpTwoTeams(portal);
  b = await buildTeamB();
}, 240_000);

afterAll(async () => {
  shell?.close();
  await host?.tearDown();
  await removeAppContainers();
  await removeTestContainers();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
  await portal?.stop();
});

describe("team A's admin on team B's objects", () => {
  let before: Record<string, unknown>;
  beforeAll(async () => {
    before = await readTeamB();
  });

  it("has a cross-team case for every procedure of the router", () => {
    expect(Object.keys(PROCEDURES).length).toBeGreaterThan(100);
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(PROCEDURES).sort());
  });

  const controlsNamingB: string[] = [];
  const listCases = Object.entries(CASES).flatMap(([path, c]) => (c.kind === "lists none of B" ? [path] : []));
  it.each(listCases)("tRPC %s lists none of B's objects", async (path) => {
    const entry = CASES[path];
    if (entry?.kind !== "lists none of B") throw new Error(`${path} is not a list case`);
    const answer = await memberOf(teams, "admin").client.query(path, entry.input?.(b));
    expect({ path, status: answer.status, error: answer.error }).toMatchObject({ status: 200 });
    expect(leaked(answer.data), path).toEqual([]);
    // The control: B's admin's answer to the same call does name B's objects (own-account lists aside).
    const own = await teams.adaB.query(path, entry.input?.(b));
    if (leaked(own.data).length > 0) controlsNamingB.push(path);
  });

  it("lists B's objects to B's admin in the same calls (so the lists above could have leaked)", () => {
    expect(controlsNamingB.length).toBeGreaterThanOrEqual(10);
  });

  const call = (path: string, input: unknown) => {
    const client = memberOf(teams, "admin").client;
    return PROCEDURES[path]?._def.type === "query" ? client.query(path, input) : client.mutate(path, input);
  };

  const notFoundCases = Object.entries(CASES).flatMap(([path, c]) => (c.kind === "not found" ? [path] : []));
  it.each(notFoundCases)("tRPC %s answers 404 for B's object", async (path) => {
    const entry = CASES[path];
    if (entry?.kind !== "not found") throw new Error(`${path} is not a not-found case`);
    for (const input of entry.inputs(b)) {
      const answer = await call(path, input);
      const said = `${path} ${JSON.stringify(input)} → ${answer.status} ${answer.error?.message}`;
      expect(answer.status, said).toBe(404);
      expect(answer.error?.data?.code, said).toBe("NOT_FOUND");
      expect(leaked(answer.error, input), said).toEqual([]);
      // The same sentence as for an identifier nothing has (B's own value and the made-up one elided).
      const twin = missingTwin(input);
      if (twin) {
        const missing = await call(path, twin.input);
        expect(missing.status, `${path} with nothing's identifier`).toBe(404);
        expect(elide(answer.error?.message, twin.named), said).toBe(elide(missing.error?.message, twin.missing));
      }
      // The control: the identifier is real, B's admin reads it (mutations would change B).
      if (PROCEDURES[path]?._def.type === "query") {
        const own = await teams.adaB.query(path, input);
        expect(own.status, `B's admin: ${path} → ${own.status} ${own.error?.message}`).toBe(200);
      }
    }
  });

  const twinCases = Object.entries(CASES).flatMap(([path, c]) => (c.kind === "as if missing" ? [path] : []));
  it.each(twinCases)("tRPC %s answers for B's object as for one that does not exist", async (path) => {
    const entry = CASES[path];
    if (entry?.kind !== "as if missing") throw new Error(`${path} is not an as-if-missing case`);
    for (const twin of entry.inputs(b)) {
      const named = await call(path, twin.input(twin.named));
      const missing = await call(path, twin.input(twin.missing));
      const said = `${path} naming ${twin.named} → ${named.status} ${named.error?.message}`;
      expect(named.status, said).toBeGreaterThanOrEqual(400);
      expect(named.status, said).toBe(missing.status);
      expect(named.error?.message.replaceAll(twin.named, "…"), said).toBe(
        missing.error?.message.replaceAll(twin.missing, "…"),
      );
    }
  });

  it("over REST with A's admin's API key: 404 on B's objects, lists without them", async () => {
    const rest = await apiKeyFor(portal.url, memberOf(teams, "admin").email, memberOf(teams, "admin").password);
    let tried = 0;
    for (const [path, entry] of Object.entries(CASES)) {
      const openapi = PROCEDURES[path]?._def.meta?.openapi;
      if (!openapi || entry.kind === "no team object" || entry.kind === "portal-wide") continue;
      // An API key cannot switch teams at all: 400 whatever the team (the person-in-two-teams test).
      if (path === "teams.switch") continue;
      if (entry.kind === "lists none of B") {
        if (openapi.method !== "GET") continue;
        const request = restRequest(openapi, (entry.input?.(b) ?? {}) as Record<string, unknown>);
        const answer = await rest.call<{ events?: { actorEmail: string | null }[] }>(request.method, request.path);
        expect({ path, status: answer.status }).toEqual({ path, status: 200 });
        // A's log records A's admin's refused attempts above, with what they named: theirs, not B's.
        const shown =
          path === "audit.list"
            ? answer.body.events?.filter((event) => event.actorEmail !== memberOf(teams, "admin").email)
            : answer.body;
        expect(shown).toBeDefined();
        expect(leaked(shown), path).toEqual([]);
      } else if (entry.kind === "as if missing") {
        for (const twin of entry.inputs(b)) {
          const answers = [];
          for (const id of [twin.named, twin.missing]) {
            const request = restRequest(openapi, twin.input(id) as Record<string, unknown>);
            const answer = await rest.call(request.method, request.path, request.body);
            answers.push({ status: answer.status, message: answer.body.message?.replaceAll(id, "…") });
          }
          expect(answers[0], `${path} naming ${twin.named}`).toEqual(answers[1]);
          expect(answers[0]?.status).toBeGreaterThanOrEqual(400);
        }
      } else if (entry.kind === "not found") {
        for (const input of entry.inputs(b)) {
          const request = restRequest(openapi, input as Record<string, unknown>);
          const answer = await rest.call(request.method, request.path, request.body);
          const status = 404;
          const said = `${path}: ${request.method} ${request.path} → ${answer.status} ${answer.body.message}`;
          expect(answer.status, said).toBe(status);
          expect(leaked(answer.body, input), said).toEqual([]);
        }
      }
      tried += 1;
    }
    expect(tried).toBeGreaterThan(40);
  });

  it("lets A act on its own copies of what B has (same names), without touching B's", async () => {
    const client = memberOf(teams, "admin").client;
    for (const [path, entry] of Object.entries(CASES)) {
      if (entry.kind !== "no team object" || !entry.call) continue;
      const input = entry.call(b);
      const answer =
        PROCEDURES[path]?._def.type === "query" ? await client.query(path, input) : await client.mutate(path, input);
      expect({ path, status: answer.status, error: answer.error }).toMatchObject({ status: 200 });
    }
    // An account B has cannot be made again as A's member (people join other teams by invite).
    const taken = await client.mutate("users.create", {
      email: b.memberEmail,
      name: "x",
      password: "x-password-12",
      role: "viewer",
    });
    expect(taken.status).toBeGreaterThanOrEqual(400);
    expect(taken.status).toBeLessThan(500);
    expect(leaked(taken.error).filter((marker) => marker !== b.memberEmail)).toEqual([]);
  });

  it("left B exactly as it was", async () => {
    expect(await readTeamB()).toEqual(before);
    // B's key still works in B.
    const apps = await teams.restB.call<{ apps: { name: string }[] }>("GET", "/apps");
    expect(apps.body.apps.map((app) => app.name)).toContain(b.app);
  });

  it("shows B's objects in A's audit log only where A's admin named them in a refused attempt", async () => {
    const rows = await sql<{ actorEmail: string | null; outcome: string; targetId: string | null; details: string }>(
      portal.databaseUrl,
      `SELECT "actorEmail", outcome, "targetId", details FROM "AuditEvent" WHERE "teamId" = $1`,
      [teams.teamA.id],
    );
    const naming = rows.filter((row) => markersOf(b).some((marker) => JSON.stringify(row).includes(marker)));
    expect(naming.length).toBeGreaterThan(0);
    for (const row of naming) expect(row).toMatchObject({ actorEmail: memberOf(teams, "admin").email });
  });
});
