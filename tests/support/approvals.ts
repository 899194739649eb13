// What the approvals suites on the real Docker engine and nginx share (issue 14): one portal with
// its admin and three members holding API keys (an operator who asks, two approvers who review), a
// host with a real agent and a managed nginx, and a production app serving two releases (v1, then
// v2 Live), so that "roll back to release 1" is something nginx can be seen to do. Plus the reads
// the suites assert with: a request's view, an app's deployments, audit events, /metrics.
import type { ApprovalPending, ApprovalRequestView, AuditEventView, Deployment, Release } from "@wheelhouse/shared";
import { ADMIN, type ApiClient, setUpAdmin } from "./api-client.ts";
import { enrolHostWithNginx, removeAppContainers, type TestHost, waitForDeployment } from "./deployments.ts";
import { ensureTestAppImage, testAppImage } from "./docker.ts";
import { type HostResponse, requestWithHost } from "./nginx.ts";
import { type Portal, startPortal } from "./portal.ts";
import { apiKeyFor, type RestClient } from "./rest-client.ts";

export const APP = "shop";
export const DOMAIN = "shop.test";
export const OPERATOR = "operator@example.com";
export const APPROVER = "approver@example.com";
export const APPROVER2 = "approver2@example.com";
const MEMBER_PASSWORD = "member-password-12";

/** What a gated app action answers: the deployment it ran, or the request it opened instead. */
export interface GatedAnswer {
  deployment?: Deployment;
  approval?: ApprovalPending;
}

export interface ApprovalsWorld {
  portal: Portal;
  host: TestHost;
  /** tRPC with the admin's session, for what has no REST path (users.create). */
  adminSession: ApiClient;
  admin: RestClient;
  operator: RestClient;
  approver: RestClient;
  approver2: RestClient;
}

async function member(world: Pick<ApprovalsWorld, "portal" | "adminSession">, email: string, role: string) {
  const created = await world.adminSession.mutate("users.create", {
    email,
    name: email,
    password: MEMBER_PASSWORD,
    role,
  });
  if (created.status !== 200) throw new Error(`could not create ${email}: ${JSON.stringify(created.error)}`);
  return apiKeyFor(world.portal.url, email, MEMBER_PASSWORD);
}

/** Deploys `image` (or the app's own) and fails unless it goes Live. */
export async function deployLive(rest: RestClient, app: string, image?: string): Promise<Deployment> {
  const started = await rest.call<{ deployment?: Deployment }>(
    "POST",
    `/apps/${app}/deployments`,
    image ? { image } : {},
  );
  const id = started.body.deployment?.id;
  if (started.status !== 200 || !id) throw new Error(`${app} did not deploy: ${JSON.stringify(started.body)}`);
  const finished = await waitForDeployment(rest, id);
  if (finished.status !== "Live") throw new Error(`${app} did not go Live: ${finished.failureReason}`);
  return finished;
}

/**
 * The portal, the people, the host, and APP in production under DOMAIN with releases 1 (v1) and 2
 * (v2, Live). The portal's `notificationsQueued` worker and the expiry sweep run as in production.
 */
export async function setUpApprovalsWorld(hostName: string): Promise<ApprovalsWorld> {
  await Promise.all((["v1", "v2"] as const).map(ensureTestAppImage));
  const portal = await startPortal();
  let host: TestHost | undefined;
  try {
    const adminSession = await setUpAdmin(portal.url);
    const partial = { portal, adminSession };
    const [admin, operator, approver, approver2] = await Promise.all([
      apiKeyFor(portal.url, ADMIN.email, ADMIN.password),
      member(partial, OPERATOR, "operator"),
      member(partial, APPROVER, "approver"),
      member(partial, APPROVER2, "approver"),
    ]);
    host = await enrolHostWithNginx(adminSession, portal.url, hostName);
    const created = await admin.call("POST", "/apps", {
      name: APP,
      environment: "production",
      image: testAppImage("v1"),
      // Built on this engine, in no registry: local images only.
      pullPolicy: "never",
      port: 8080,
      healthPath: "/health",
      healthTimeoutSeconds: 15,
      hosts: [host.id],
      domains: [DOMAIN],
      env: { GREETING: "one" },
    });
    if (created.status !== 200) throw new Error(`could not create ${APP}: ${JSON.stringify(created.body)}`);
    await deployLive(admin, APP);
    await deployLive(admin, APP, testAppImage("v2"));
    return { portal, host, adminSession, admin, operator, approver, approver2 };
  } catch (error) {
    // afterAll gets no world from a setup that threw: what was started is taken down here.
    await tearDownApprovalsWorld({ portal, host }).catch((cleanup: unknown) => {
      throw new AggregateError([error, cleanup], "setting up the approvals world failed, and so did taking it down");
    });
    throw error;
  }
}

export async function tearDownApprovalsWorld(
  world: { portal: Portal; host?: TestHost | undefined } | undefined,
): Promise<void> {
  await world?.host?.tearDown();
  await removeAppContainers();
  await world?.portal.stop();
}

/** What nginx on the world's host serves for APP's domain. */
export function throughNginx(world: ApprovalsWorld): Promise<HostResponse> {
  return requestWithHost(world.host.nginxPort, DOMAIN);
}

/** A request as `rest`'s owner sees it (`you` is theirs); `ref` is its id or its number. */
export async function requestView(rest: RestClient, ref: string | number): Promise<ApprovalRequestView> {
  const answer = await rest.call<{ request: ApprovalRequestView }>("GET", `/approvals/${ref}`);
  if (answer.status !== 200) throw new Error(`GET /approvals/${ref}: ${JSON.stringify(answer.body)}`);
  return answer.body.request;
}

export async function deploymentsOf(rest: RestClient, app: string): Promise<Deployment[]> {
  const answer = await rest.call<{ deployments: Deployment[] }>("GET", `/apps/${app}/deployments`);
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  return answer.body.deployments;
}

export async function releasesOf(rest: RestClient, app: string): Promise<Release[]> {
  const answer = await rest.call<{ releases: Release[] }>("GET", `/apps/${app}/releases`);
  if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
  return answer.body.releases;
}

/** Audit events through the audit log's own search (GET /api/v1/audit), newest first. */
export async function auditEvents(
  rest: RestClient,
  filter: { action?: string; actor?: string; target?: string; outcome?: string },
): Promise<AuditEventView[]> {
  const query = new URLSearchParams({ ...filter, limit: "200" });
  const answer = await rest.call<{ events: AuditEventView[] }>("GET", `/audit?${query}`);
  if (answer.status !== 200) throw new Error(`GET /audit?${query}: ${JSON.stringify(answer.body)}`);
  return answer.body.events;
}

/** The value of one sample of /metrics, or null when the line is missing. */
export function metricSample(text: string, name: string, labels: Record<string, string>): number | null {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",");
  const line = text.split("\n").find((row) => row.startsWith(`${name}{${wanted}} `));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/**
 * A moment `msAgo` before now, as the sql() helper must pass it to this database: Prisma stores a
 * DateTime as epoch milliseconds in SQLite and as a timestamp in PostgreSQL.
 */
export function pastTime(databaseUrl: string, msAgo: number): number | Date {
  const at = Date.now() - msAgo;
  return databaseUrl.startsWith("file:") ? at : new Date(at);
}
