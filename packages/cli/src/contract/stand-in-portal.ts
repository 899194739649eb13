// A stand-in for the portal's REST API (/api/v1) with canned data, for the CLI's contract test: a
// node:http server on 127.0.0.1 that answers the endpoints the CLI calls, in the shapes of the
// shared schemas, and records each request. The real portal is exercised end to end by the CLI
// test in tests/integration.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type App,
  type AppDetail,
  DEFAULT_HEALTH_SETTINGS,
  type Deployment,
  type DeploymentStatus,
  type HostView,
  PULL_POLICIES,
  type PullPolicy,
  type Release,
  type RunbookSummary,
} from "@wheelhouse/shared";
import { approvalsRoute, gatedAppsRoute, StandInProblem } from "./stand-in-approvals";
import { certificatesStandIn } from "./stand-in-certificates";
import { incidentsRoute } from "./stand-in-incidents";
import { linksRoute } from "./stand-in-links";

export const STAND_IN = {
  email: "ada@example.com",
  password: "correct horse battery",
  token: "wh_live_7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b",
  /** Every deployment here starts at this instant; transitions follow at fixed offsets. */
  startedAt: Date.parse("2026-11-22T10:00:00.000Z"),
} as const;

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

interface Step {
  status: DeploymentStatus;
  offsetMs: number;
  log: string[];
}

/** What a deployment of each app goes through, one step per GET /deployments/{id}. */
const SCRIPTS: Record<string, { steps: Step[]; failureReason: string | null }> = {
  "billing-api": {
    steps: [
      { status: "Queued", offsetMs: 0, log: [] },
      {
        status: "Pulling",
        offsetMs: 1_000,
        log: ["pulling registry.example.com/billing:1.4.3", "digest sha256:9f86d08"],
      },
      { status: "Starting", offsetMs: 6_000, log: ["started container billing-api-4-1 on port 20001"] },
      { status: "HealthChecking", offsetMs: 8_000, log: ["GET /health answered 200"] },
      { status: "Live", offsetMs: 12_300, log: ["nginx now routes billing.example.com to release 4"] },
    ],
    failureReason: null,
  },
  "broken-app": {
    steps: [
      { status: "Queued", offsetMs: 0, log: [] },
      { status: "Pulling", offsetMs: 1_000, log: ["pulling registry.example.com/broken:2.0.0"] },
      { status: "Starting", offsetMs: 4_000, log: ["started container broken-app-2-1 on port 20002"] },
      { status: "HealthChecking", offsetMs: 5_000, log: ["GET /health answered 500", "GET /health answered 500"] },
      { status: "Failed", offsetMs: 9_000, log: ["giving up after 3 failed health checks"] },
    ],
    failureReason:
      "The health check GET /health answered 500 three times in a row; the previous release keeps serving.",
  },
};

function isPullPolicy(value: unknown): value is PullPolicy {
  return (PULL_POLICIES as readonly unknown[]).includes(value);
}

/** The image fields of a request body, when they are well formed (the stand-in trusts the CLI's checks). */
function imageFields(input: Record<string, unknown>): Partial<Pick<App, "pullPolicy" | "autoDeploy">> {
  return {
    ...(isPullPolicy(input.pullPolicy) ? { pullPolicy: input.pullPolicy } : {}),
    ...(typeof input.autoDeploy === "boolean" ? { autoDeploy: input.autoDeploy } : {}),
  };
}

const at = (offsetMs: number) => new Date(STAND_IN.startedAt + offsetMs).toISOString();

function release(number: number, imageRef: string, live: boolean): Release {
  return {
    id: `rel_${number}`,
    number,
    imageRef,
    // As the portal records it: the digest in the image's own repository, registry and path first.
    imageDigest: `${imageRef.replace(/:[^:/]+$/, "")}@sha256:${String(number).repeat(64).slice(0, 64)}`,
    reason: number === 3 ? "fix invoice rounding" : null,
    createdBy: "ada@example.com",
    createdAt: at(-86_400_000 * (4 - number)),
    live,
  };
}

function app(name: string, overrides: Partial<App>): App {
  return {
    id: `app_${name}`,
    name,
    environment: "staging",
    image: `registry.example.com/${name}:1.0.0`,
    port: 8080,
    healthPath: "/health",
    healthTimeoutSeconds: 30,
    ...DEFAULT_HEALTH_SETTINGS,
    replicas: 1,
    network: "published",
    restartPolicy: "unless-stopped",
    pullPolicy: "always",
    autoDeploy: false,
    domains: [],
    hosts: [{ id: "host_1", name: "local" }],
    env: {},
    secretKeys: [],
    maintenance: false,
    httpsRedirect: false,
    hsts: false,
    status: "NotDeployed",
    liveRelease: null,
    lastDeployment: null,
    createdAt: at(-86_400_000 * 10),
    ...overrides,
  };
}

export const CANNED_APPS: App[] = [
  app("billing-api", {
    environment: "production",
    image: "registry.example.com/billing:1.4.2",
    domains: ["billing.example.com"],
    status: "Live",
    liveRelease: release(3, "registry.example.com/billing:1.4.2", true),
    secretKeys: ["DATABASE_URL"],
  }),
  app("broken-app", { status: "Failed" }),
];

export const CANNED_RELEASES: Release[] = [
  release(3, "registry.example.com/billing:1.4.2", true),
  release(2, "registry.example.com/billing:1.4.1", false),
  release(1, "registry.example.com/billing:1.4.0", false),
];

export const CANNED_USERS = [
  { id: "user_1", email: STAND_IN.email, name: "Ada Lovelace", role: "admin", disabled: false, createdAt: at(-1e9) },
  {
    id: "user_2",
    email: "charles@example.com",
    name: "Charles Babbage",
    role: "viewer",
    disabled: true,
    createdAt: at(-5e8),
  },
] as const;

export const CANNED_REGISTRY_LOGINS = [
  { host: "ghcr.io", username: "ci-bot", createdBy: STAND_IN.email, createdAt: at(-3_600_000) },
  { host: "127.0.0.1:5055", username: "deploy", createdBy: null, createdAt: at(-86_400_000) },
];

export const CANNED_RUNBOOKS: RunbookSummary[] = [
  {
    slug: "port-conflict",
    version: 1,
    origin: "library",
    title: "Port already in use",
    summary: "The app cannot bind its port because another process holds it.",
    sources: ["Troubleshooting guide › Port conflicts"],
    symptoms: ["EADDRINUSE"],
    steps: 3,
    automaticSteps: 2,
    hasCommand: false,
    shadowsLibrary: false,
    updatedAt: null,
    updatedBy: null,
  },
  {
    slug: "health-check-failure",
    version: 4,
    origin: "team",
    title: "Health check failing",
    summary: "Instances fail their readiness probe and leave nginx.",
    sources: [],
    symptoms: [],
    steps: 5,
    automaticSteps: 3,
    hasCommand: false,
    shadowsLibrary: true,
    updatedAt: at(-3_600_000),
    updatedBy: STAND_IN.email,
  },
];

/** GET/POST /registries and DELETE /registries/{host}, with the host segment as the portal reads it. */
function registries(method: string, path: string, input: Record<string, unknown>): [number, unknown] {
  if (method === "GET" && path === "/registries") return [200, { logins: CANNED_REGISTRY_LOGINS }];
  if (method === "POST" && path === "/registries") {
    const host = String(input.host);
    const login = { host, username: String(input.username), createdBy: STAND_IN.email, createdAt: at(0) };
    return [200, { login, replaced: CANNED_REGISTRY_LOGINS.some((known) => known.host === host) }];
  }
  const host = decodeURIComponent(path.slice("/registries/".length));
  if (method === "DELETE" && CANNED_REGISTRY_LOGINS.some((known) => known.host === host)) {
    return [200, { host, removed: true }];
  }
  if (method === "DELETE") throw new HttpProblem(404, "NOT_FOUND", `Your team has no registry login for ${host}.`);
  throw new HttpProblem(404, "NOT_FOUND", `The stand-in has no ${method} ${path}.`);
}

interface DeploymentState {
  deployment: Deployment;
  steps: Step[];
  failureReason: string | null;
  /** How many steps have been reached (advances on each GET). */
  reached: number;
}

/** The portal's version here: web-1's agent is older, db-1's current, lab-1's unknown. */
export const STAND_IN_PORTAL_VERSION = "0.2.0";

export const CANNED_HOSTS: HostView[] = [
  cannedHost({ id: "host_web", name: "web-1", status: "online", agentVersion: "0.1.0", agentVersionStatus: "older" }),
  cannedHost({ id: "host_db", name: "db-1", status: "lost", agentVersion: "0.2.0", agentVersionStatus: "current" }),
  cannedHost({ id: "host_lab", name: "lab-1", status: "online", agentVersion: "test", agentVersionStatus: "unknown" }),
  cannedHost({ id: "host_old", name: "old-1", status: "revoked", agentVersion: "0.1.0", agentVersionStatus: "older" }),
];

function cannedHost(
  fields: Pick<HostView, "id" | "name" | "status" | "agentVersion" | "agentVersionStatus">,
): HostView {
  const seen = new Date(STAND_IN.startedAt - 90_000).toISOString();
  return {
    ...fields,
    facts: null,
    dockerError: null,
    lastSeenAt: fields.status === "pending" ? null : seen,
    revokedAt: fields.status === "revoked" ? seen : null,
    createdAt: new Date(STAND_IN.startedAt - 86_400_000).toISOString(),
    keyConflict: null,
  };
}

/** GET /hosts, POST /hosts/enrollments and POST /hosts/{id}/revoke; db-1 plays a host the key may not revoke. */
function hostsRoute(method: string, path: string, input: Record<string, unknown>): [number, unknown] | undefined {
  const portal = { version: STAND_IN_PORTAL_VERSION, publicUrl: null };
  if (method === "GET" && path === "/hosts") return [200, { hosts: CANNED_HOSTS, pendingEnrollments: [], portal }];
  if (method === "POST" && path === "/hosts/enrollments") {
    const name = String(input.name);
    if (CANNED_HOSTS.some((host) => host.name === name && host.status !== "revoked")) {
      throw new HttpProblem(
        409,
        "CONFLICT",
        `A host named ${name} is already enrolled. Choose another name or revoke it first.`,
      );
    }
    const expiresAt = new Date(Date.now() + 60 * 60_000).toISOString();
    return [200, { token: "whe_StandInToken_0123456789abcdef", expiresAt, portal }];
  }
  const match = /^\/hosts\/([^/]+)\/revoke$/.exec(path);
  if (method === "POST" && match) {
    const id = decodeURIComponent(match[1] ?? "");
    if (id === "host_db")
      throw new HttpProblem(403, "FORBIDDEN", "Your role (operator) cannot do this; it needs admin.");
    if (!CANNED_HOSTS.some((host) => host.id === id))
      throw new HttpProblem(404, "NOT_FOUND", "That host does not exist in this team.");
    return [200, { ok: true }];
  }
  return undefined;
}

export interface StandInPortal {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startStandInPortal(): Promise<StandInPortal> {
  const requests: RecordedRequest[] = [];
  const deployments = new Map<string, DeploymentState>();
  const certificatesRoute = certificatesStandIn();

  function view(state: DeploymentState): Deployment {
    const reached = state.steps.slice(0, state.reached);
    const last = reached.at(-1);
    const finished = last?.status === "Live" || last?.status === "Failed";
    return {
      ...state.deployment,
      status: last?.status ?? "Queued",
      releaseNumber: state.reached >= 2 ? 4 : null,
      failureReason: last?.status === "Failed" ? state.failureReason : null,
      finishedAt: finished && last ? at(last.offsetMs) : null,
      transitions: reached.map((step) => ({ status: step.status, at: at(step.offsetMs) })),
    };
  }

  function logLines(state: DeploymentState) {
    const lines: { seq: number; at: string; text: string }[] = [];
    for (const step of state.steps.slice(0, state.reached)) {
      step.log.forEach((text, index) => {
        lines.push({ seq: lines.length + 1, at: at(step.offsetMs + index * 10 + 5), text });
      });
    }
    return lines;
  }

  function startDeployment(
    name: string,
    imageRef: string,
    reason: string | null,
    kind: Deployment["kind"] = "deploy",
  ): Deployment {
    const script = SCRIPTS[name];
    if (!script) throw new HttpProblem(404, "NOT_FOUND", `No app named ${name} in your team.`);
    const id = `dep_${deployments.size + 1}`;
    const deployment: Deployment = {
      id,
      appName: name,
      kind,
      status: "Queued",
      releaseNumber: null,
      imageRef,
      replicas: 1,
      failureReason: null,
      reason,
      requestedBy: STAND_IN.email,
      createdAt: at(0),
      finishedAt: null,
      transitions: [{ status: "Queued", at: at(0) }],
    };
    deployments.set(id, { deployment, steps: script.steps, failureReason: script.failureReason, reached: 1 });
    return deployment;
  }

  function findApp(name: string): App {
    const found = CANNED_APPS.find((candidate) => candidate.name === name);
    if (!found) throw new HttpProblem(404, "NOT_FOUND", `No app named ${name} in your team.`);
    return found;
  }

  function deploymentState(id: string): DeploymentState {
    const state = deployments.get(id);
    if (!state) throw new HttpProblem(404, "NOT_FOUND", `No deployment ${id}.`);
    return state;
  }

  async function route(request: IncomingMessage, body: unknown): Promise<[number, unknown]> {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const path = url.pathname.replace(/^\/api\/v1/, "");
    const method = request.method ?? "GET";
    const input = (body ?? {}) as Record<string, unknown>;

    if (method === "POST" && path === "/auth/api-keys/password") {
      if (input.email !== STAND_IN.email || input.password !== STAND_IN.password) {
        throw new HttpProblem(401, "UNAUTHORIZED", "Wrong email or password.");
      }
      const apiKey = { id: "key_1", name: String(input.name), prefix: STAND_IN.token.slice(0, 8), createdAt: at(0) };
      return [201, { token: STAND_IN.token, apiKey: { ...apiKey, lastUsedAt: null } }];
    }
    if (request.headers.authorization !== `Bearer ${STAND_IN.token}`) {
      throw new HttpProblem(401, "UNAUTHORIZED", "This API key is not valid (revoked or mistyped).");
    }
    if (method === "GET" && path === "/me") {
      return [
        200,
        {
          user: { id: "user_1", email: STAND_IN.email, name: "Ada Lovelace" },
          role: "admin",
          team: { id: "team_1", name: "Analytical Engines" },
        },
      ];
    }
    if (method === "GET" && path === "/apps") return [200, { apps: CANNED_APPS }];
    if (method === "POST" && path === "/apps") {
      const name = String(input.name);
      if (CANNED_APPS.some((candidate) => candidate.name === name)) {
        throw new HttpProblem(409, "CONFLICT", `An app named ${name} already exists.`);
      }
      const created = app(name, {
        image: String(input.image),
        port: Number(input.port),
        environment: input.environment === "production" ? "production" : "staging",
        domains: Array.isArray(input.domains) ? input.domains.map(String) : [],
        ...imageFields(input),
      });
      return [201, { app: created }];
    }
    if (path === "/registries" || path.startsWith("/registries/")) return registries(method, path, input);
    if (method === "GET" && path === "/runbooks") return [200, { runbooks: CANNED_RUNBOOKS }];
    if (method === "GET" && path === "/users") return [200, { users: CANNED_USERS }];
    if (method === "POST" && path === "/users") {
      const user = {
        id: "user_new",
        email: String(input.email),
        name: typeof input.name === "string" ? input.name : String(input.email),
        role: input.role === "admin" ? "admin" : input.role === "approver" ? "approver" : "operator",
        disabled: false,
        createdAt: at(0),
      } as const;
      return [201, { user }];
    }
    const linksAnswer = linksRoute(method, path, input);
    if (linksAnswer) return linksAnswer;
    const gatedAnswer = gatedAppsRoute(method, path, input, () => app("shop", { environment: "production" }));
    if (gatedAnswer) return gatedAnswer;
    const approvalsAnswer = approvalsRoute(method, path, url.searchParams, input);
    if (approvalsAnswer) return approvalsAnswer;
    let match = /^\/apps\/([^/]+)(\/[a-z]+)?$/.exec(path);
    if (match) {
      const name = decodeURIComponent(match[1] ?? "");
      const rest = match[2];
      if (method === "GET" && rest === undefined) {
        const detail: AppDetail = { ...findApp(name), instances: [] };
        return [200, { app: detail }];
      }
      if (method === "POST" && rest === "/deployments") {
        const found = findApp(name);
        const image = typeof input.image === "string" ? input.image : found.image;
        return [
          201,
          { deployment: startDeployment(name, image, typeof input.reason === "string" ? input.reason : null) },
        ];
      }
      if (method === "POST" && rest === "/rollback") {
        findApp(name);
        const target = CANNED_RELEASES.find((candidate) => candidate.number === input.releaseNumber);
        if (name !== "billing-api" || !target) {
          throw new HttpProblem(404, "RELEASE_NOT_FOUND", `${name} has no release ${String(input.releaseNumber)}.`);
        }
        const reason = typeof input.reason === "string" ? input.reason : null;
        return [201, { deployment: startDeployment(name, target.imageRef, reason, "rollback") }];
      }
      if (method === "PATCH" && rest === undefined) {
        return [200, { app: { ...findApp(name), ...imageFields(input) } }];
      }
      if (method === "PUT" && rest === "/maintenance") {
        return [200, { app: { ...findApp(name), maintenance: input.enabled === true } }];
      }
      if (method === "GET" && rest === "/releases") {
        findApp(name);
        return [200, { releases: name === "billing-api" ? CANNED_RELEASES : [] }];
      }
    }
    match = /^\/deployments\/([^/]+)(\/log)?$/.exec(path);
    if (match && method === "GET") {
      const state = deploymentState(decodeURIComponent(match[1] ?? ""));
      if (match[2] === undefined) {
        state.reached = Math.min(state.reached + 1, state.steps.length);
        return [200, { deployment: view(state) }];
      }
      const after = Number(url.searchParams.get("after") ?? "0");
      const lines = logLines(state);
      return [
        200,
        {
          lines: lines.filter((line) => line.seq > after),
          last: lines.at(-1)?.seq ?? 0,
          finished: state.reached === state.steps.length,
        },
      ];
    }
    const hostsAnswer = hostsRoute(method, path, input);
    if (hostsAnswer) return hostsAnswer;
    const incidentsAnswer = incidentsRoute(method, path, url.searchParams);
    if (incidentsAnswer) return incidentsAnswer;
    const certificatesAnswer = certificatesRoute(method, path, input);
    if (certificatesAnswer) return certificatesAnswer;
    throw new HttpProblem(404, "NOT_FOUND", `The stand-in has no ${method} ${path}.`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      requests.push({
        method: request.method ?? "GET",
        path: request.url ?? "/",
        authorization: request.headers.authorization,
        body,
      });
      const [status, answer] = await route(request, body);
      send(response, status, answer);
    } catch (error) {
      if (error instanceof HttpProblem || error instanceof StandInProblem)
        send(response, error.status, { message: error.message, code: error.code });
      else send(response, 500, { message: `Stand-in failure: ${(error as Error).message}`, code: "INTERNAL" });
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
