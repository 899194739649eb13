// The stand-in portal's approvals (issue 14), in the shapes of the shared schemas: canned requests
// that play each answer a review can get (runs at once, still waits, the caller's own request,
// expired, already ended, approved but failed at execution), and two gated production apps: `shop`,
// whose rollback, deploy, restart, scale and maintenance wait for approval (break-glass runs them), and `vault`,
// where break-glass is refused as for a caller who is not an admin. Used by stand-in-portal.ts.
import {
  type ApprovalParams,
  type ApprovalPending,
  type ApprovalRequestView,
  DEFAULT_APPROVAL_POLICIES,
  type Deployment,
  describeApprovalParams,
} from "@wheelhouse/shared";

const T0 = Date.parse("2026-11-22T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();
const HOUR = 3_600_000;

export class StandInProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const [rollbackPolicy] = DEFAULT_APPROVAL_POLICIES;
if (!rollbackPolicy) throw new Error("no default approval policy");

const params: ApprovalParams = {
  action: "apps.rollback",
  releaseNumber: 3,
  releaseId: "rel_shop_3",
  imageDigest: "registry.example.com/shop@sha256:3333333333333333333333333333333333333333333333333333333333333333",
  hosts: [{ id: "host_web", name: "web-1" }],
  replicas: 1,
};

function cannedRequest(number: number, overrides: Partial<ApprovalRequestView>): ApprovalRequestView {
  return {
    id: `apr_${number}`,
    number,
    action: "apps.rollback",
    appName: "shop",
    environment: "production",
    params,
    summary: describeApprovalParams(params),
    reason: "checkout errors since release 4",
    requesterId: "user_2",
    requesterEmail: "olga@example.com",
    status: "pending",
    breakGlass: false,
    outcome: null,
    deploymentId: null,
    deployment: null,
    policy: rollbackPolicy as NonNullable<typeof rollbackPolicy>,
    approvalsCounted: 0,
    expiresAt: at(23 * HOUR),
    createdAt: at(-HOUR),
    decidedAt: null,
    executedAt: null,
    reviews: [],
    you: { canReview: true, cannotReviewBecause: null, canCancel: false },
    ...overrides,
  };
}

const twoApprovals = { ...rollbackPolicy, approvals: 2 } as NonNullable<typeof rollbackPolicy>;
const ownRequest = {
  canReview: false,
  cannotReviewBecause: "You asked for it: someone else must review it.",
  canCancel: true,
};

/** By number: 4 runs on approval, 5 needs two, 6 is the caller's own, 7 expired, 3 executed, 8 fails at execution. */
export const CANNED_APPROVALS: ApprovalRequestView[] = [
  cannedRequest(8, { appName: "cart", reason: "bad config" }),
  cannedRequest(7, { expiresAt: at(-HOUR), createdAt: at(-25 * HOUR), appName: "cart" }),
  cannedRequest(6, { requesterId: "user_1", requesterEmail: "ada@example.com", you: ownRequest }),
  cannedRequest(5, { appName: "billing-api", policy: twoApprovals }),
  cannedRequest(4, {}),
  cannedRequest(3, {
    status: "executed",
    approvalsCounted: 1,
    deploymentId: "dep_70",
    deployment: { id: "dep_70", status: "Live", failureReason: null, finishedAt: at(-2 * HOUR) },
    decidedAt: at(-2 * HOUR),
    executedAt: at(-2 * HOUR),
    reviews: [
      {
        reviewerId: "user_3",
        reviewerEmail: "alice@example.com",
        reviewerRole: "approver",
        decision: "approve",
        comment: "release 2 is the last good one",
        createdAt: at(-2 * HOUR),
        counts: true,
      },
    ],
    you: { canReview: false, cannotReviewBecause: null, canCancel: false },
  }),
];

function findRequest(ref: string): ApprovalRequestView {
  const found = CANNED_APPROVALS.find((request) => request.id === ref || String(request.number) === ref);
  if (!found) throw new StandInProblem(404, "NOT_FOUND", `There is no approval request ${ref} in your team.`);
  return found;
}

function review(decision: "approve" | "deny", comment: string) {
  return {
    reviewerId: "user_1",
    reviewerEmail: "ada@example.com",
    reviewerRole: "admin",
    decision,
    comment,
    createdAt: at(0),
    counts: decision === "approve",
  } as const;
}

/** The refusals the review engine gives, in its order: ended, expired, own request. */
function refusal(request: ApprovalRequestView): StandInProblem | null {
  if (request.status !== "pending") {
    return new StandInProblem(409, "CONFLICT", `Request #${request.number} is already ${request.status}.`);
  }
  if (Date.parse(request.expiresAt) <= T0) {
    return new StandInProblem(
      409,
      "CONFLICT",
      `Request #${request.number} expired at ${request.expiresAt}: ask again.`,
    );
  }
  if (request.requesterId === "user_1")
    return new StandInProblem(403, "FORBIDDEN", "You asked for it: someone else must review it.");
  return null;
}

function approve(request: ApprovalRequestView, comment: string): ApprovalRequestView {
  const reviews = [...request.reviews, review("approve", comment)];
  const counted = request.approvalsCounted + 1;
  if (counted < request.policy.approvals) return { ...request, reviews, approvalsCounted: counted };
  const decided = { ...request, reviews, approvalsCounted: counted, decidedAt: at(0) };
  if (request.number === 8) {
    return {
      ...decided,
      status: "failed",
      outcome: "The app's hosts changed since it was asked (hosts): ask again.",
    };
  }
  return {
    ...decided,
    status: "executed",
    deploymentId: "dep_71",
    deployment: { id: "dep_71", status: "Queued", failureReason: null, finishedAt: null },
    executedAt: at(0),
  };
}

const LIST_STATUS_GROUPS: Record<string, readonly string[]> = {
  open: ["pending"],
  finished: ["executed", "failed", "denied", "expired", "cancelled"],
};

function list(query: URLSearchParams): [number, unknown] {
  const status = query.get("status") ?? "all";
  const view = query.get("view") ?? "all";
  const app = query.get("app");
  const requests = CANNED_APPROVALS.filter((request) => {
    if (status !== "all" && !(LIST_STATUS_GROUPS[status] ?? [status]).includes(request.status)) return false;
    if (app !== null && request.appName !== app) return false;
    if (view === "mine") return request.requesterId === "user_1";
    if (view === "waiting") return request.you.canReview;
    return true;
  });
  return [200, { requests, nextCursor: null }];
}

/** GET /approvals, GET /approvals/{id}, POST /approvals/{id}/approve|deny|cancel. */
export function approvalsRoute(
  method: string,
  path: string,
  query: URLSearchParams,
  input: Record<string, unknown>,
): [number, unknown] | undefined {
  if (method === "GET" && path === "/approvals") return list(query);
  const match = /^\/approvals\/([^/]+)(\/approve|\/deny|\/cancel)?$/.exec(path);
  if (!match) return undefined;
  const request = findRequest(decodeURIComponent(match[1] ?? ""));
  const verb = match[2];
  const comment = typeof input.comment === "string" ? input.comment : "";
  if (method === "GET" && verb === undefined) return [200, { request }];
  if (method !== "POST" || verb === undefined) return undefined;
  if (verb === "/cancel") {
    if (request.requesterId !== "user_1") {
      throw new StandInProblem(
        403,
        "FORBIDDEN",
        `Only its author (${request.requesterEmail}) can cancel request #${request.number}.`,
      );
    }
    return [
      200,
      { request: { ...request, status: "cancelled", outcome: "Cancelled by its author.", decidedAt: at(0) } },
    ];
  }
  const refused = refusal(request);
  if (refused) throw refused;
  if (verb === "/deny") {
    const reviews = [...request.reviews, review("deny", comment)];
    return [200, { request: { ...request, reviews, status: "denied", outcome: comment, decidedAt: at(0) } }];
  }
  return [200, { request: approve(request, comment) }];
}

/** What shop's gated actions answer instead of running: request #9. */
export const SHOP_PENDING: ApprovalPending = {
  requestId: "apr_9",
  number: 9,
  status: "pending",
  message: "Rolling back shop in production needs 1 approval from an approver or admin: request #9 is waiting.",
};

const GATED_PATHS: Record<string, string> = {
  "POST /rollback": "Rolling back",
  "POST /deployments": "Deploying",
  "PUT /maintenance": "Turning maintenance mode on for",
  "POST /restart": "Restarting",
  "POST /scale": "Scaling",
};

const KINDS: Record<string, Deployment["kind"]> = {
  "/rollback": "rollback",
  "/deployments": "deploy",
  "/restart": "restart",
  "/scale": "scale",
};

function breakGlassDeployment(kind: Deployment["kind"], reason: string): Deployment {
  return {
    id: "dep_99",
    appName: "shop",
    kind,
    status: "Queued",
    releaseNumber: null,
    imageRef: "registry.example.com/shop:1.2.0",
    replicas: 1,
    failureReason: null,
    reason,
    requestedBy: "ada@example.com",
    createdAt: at(0),
    finishedAt: null,
    transitions: [{ status: "Queued", at: at(0) }],
  };
}

/** POST /apps/{shop|vault}/rollback|deployments|restart|scale and PUT …/maintenance, as a production policy gates them. */
export function gatedAppsRoute(
  method: string,
  path: string,
  input: Record<string, unknown>,
  shopApp: () => unknown,
): [number, unknown] | undefined {
  const match = /^\/apps\/(shop|vault)(\/[a-z]+)$/.exec(path);
  const gerund = match ? GATED_PATHS[`${method} ${match[2]}`] : undefined;
  if (!match || !gerund) return undefined;
  const reason = typeof input.reason === "string" ? input.reason : "";
  if (input.breakGlass === true) {
    if (match[1] === "vault") {
      throw new StandInProblem(403, "FORBIDDEN", "Your role (operator) cannot do this; it needs admin.");
    }
    if (!reason) {
      throw new StandInProblem(
        400,
        "BAD_INPUT",
        "Break-glass needs a reason: say why this cannot wait for approval (reason).",
      );
    }
    if (match[2] === "/maintenance") return [200, { app: { ...(shopApp() as object), maintenance: true } }];
    return [201, { deployment: breakGlassDeployment(KINDS[match[2] ?? ""] ?? "deploy", reason) }];
  }
  if (!reason) {
    throw new StandInProblem(
      400,
      "BAD_INPUT",
      `${gerund} ${match[1]} in production needs approval: say why (reason), so reviewers know what they approve. It needs 1 approval from an approver or admin.`,
    );
  }
  if (match[2] === "/maintenance") return [200, { app: shopApp(), approval: SHOP_PENDING }];
  return [201, { approval: SHOP_PENDING }];
}
