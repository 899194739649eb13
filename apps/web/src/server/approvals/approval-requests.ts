// Approval requests as stored (ApprovalRequest and its ApprovalReview rows): parsing their JSON
// columns, finding one by id or team number, the views every client reads (with `you` from the
// review engine), and the lists of the Approvals page (waiting for me, mine, all; keyset by number).
import {
  APPROVAL_STATUSES,
  type ApprovalBinding,
  type ApprovalParams,
  type ApprovalPolicy,
  type ApprovalRequestView,
  type ApprovalStatus,
  approvalBindingSchema,
  approvalListInputSchema,
  approvalParamsSchema,
  approvalPolicySchema,
  can,
  DEPLOYMENT_STATUSES,
  describeApprovalParams,
  FINISHED_APPROVAL_STATUSES,
  GATED_ACTIONS,
  type GatedAction,
  REVIEW_DECISIONS,
  type Role,
} from "@wheelhouse/shared";
import { z } from "zod";
import type { Db } from "../db/client";
import type { Prisma } from "../db/generated/sqlite/client";
import { AppError } from "../errors/app-error";
import { approvalCounts, type EngineRequest, type EngineReview, reviewRefusal, tally } from "./review-engine";

export const requestInclude = { reviews: { orderBy: { createdAt: "asc" } } } satisfies Prisma.ApprovalRequestInclude;
export type ApprovalRow = Prisma.ApprovalRequestGetPayload<{ include: typeof requestInclude }>;

/** A stored request with its JSON parsed and its enums checked: what every other file works with. */
export interface ParsedRequest {
  row: ApprovalRow;
  action: GatedAction;
  status: ApprovalStatus;
  params: ApprovalParams;
  binding: ApprovalBinding;
  policy: ApprovalPolicy;
  engine: EngineRequest;
  reviews: StoredReview[];
}

/** A review as the engine reads it, with what people read beside it. */
export interface StoredReview extends EngineReview {
  email: string;
  comment: string;
}

const reviewDecision = z.enum(REVIEW_DECISIONS);

/** Rows are written only by this folder, which parses first: a row that does not parse is a bug and throws. */
export function parseRequest(row: ApprovalRow): ParsedRequest {
  const status = z.enum(APPROVAL_STATUSES).parse(row.status);
  const policy = approvalPolicySchema.parse(JSON.parse(row.policy));
  return {
    row,
    action: z.enum(GATED_ACTIONS).parse(row.action),
    status,
    params: approvalParamsSchema.parse(JSON.parse(row.params)),
    binding: approvalBindingSchema.parse(JSON.parse(row.binding)),
    policy,
    engine: {
      number: row.number,
      status,
      requesterId: row.requesterId,
      policy,
      expiresAt: row.expiresAt,
      createdAt: row.createdAt,
      breakGlass: row.breakGlass,
    },
    reviews: row.reviews.map((review) => ({
      reviewerId: review.reviewerId,
      role: review.reviewerRole,
      decision: reviewDecision.parse(review.decision),
      createdAt: review.createdAt,
      email: review.reviewerEmail,
      comment: review.comment,
    })),
  };
}

/** "12", "#12" or the request's id. */
export async function findRequest(db: Db, teamId: string, ref: string): Promise<ParsedRequest> {
  const number = /^#?(\d{1,9})$/.exec(ref.trim())?.[1];
  const row = number
    ? await db.approvalRequest.findUnique({
        where: { teamId_number: { teamId, number: Number(number) } },
        include: requestInclude,
      })
    : await db.approvalRequest.findFirst({ where: { teamId, id: ref }, include: requestInclude });
  if (!row) throw new AppError("NOT_FOUND", `There is no approval request ${ref} in your team.`);
  return parseRequest(row);
}

export async function reloadRequest(db: Db, id: string): Promise<ParsedRequest> {
  return parseRequest(await db.approvalRequest.findUniqueOrThrow({ where: { id }, include: requestInclude }));
}

export interface Viewer {
  id: string;
  role: Role;
}

export type DeploymentState = ApprovalRequestView["deployment"];

/** The deployments `requests` ran, by id, as they stand now (one query for a page). */
async function deploymentStates(db: Db, requests: ParsedRequest[]): Promise<Map<string, DeploymentState>> {
  const ids = requests.flatMap((request) => (request.row.deploymentId ? [request.row.deploymentId] : []));
  if (ids.length === 0) return new Map();
  const rows = await db.deployment.findMany({
    where: { id: { in: ids } },
    select: { id: true, status: true, failureReason: true, finishedAt: true },
  });
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        status: z.enum(DEPLOYMENT_STATUSES).parse(row.status),
        failureReason: row.failureReason,
        finishedAt: row.finishedAt?.toISOString() ?? null,
      },
    ]),
  );
}

/** The views of `requests` for `viewer`, each with its deployment's outcome so far. */
export async function present(
  db: Db,
  requests: ParsedRequest[],
  viewer: Viewer,
  now = new Date(),
): Promise<ApprovalRequestView[]> {
  const deployments = await deploymentStates(db, requests);
  return requests.map((request) =>
    toView(request, viewer, deployments.get(request.row.deploymentId ?? "") ?? null, now),
  );
}

/** The view of one request for `viewer`. */
export async function presentOne(db: Db, request: ParsedRequest, viewer: Viewer): Promise<ApprovalRequestView> {
  const [view] = await present(db, [request], viewer);
  if (!view) throw new Error("present() returned no view for one request");
  return view;
}

function toView(request: ParsedRequest, viewer: Viewer, deployment: DeploymentState, now: Date): ApprovalRequestView {
  const { row, engine, reviews } = request;
  const refusal = reviewRefusal(engine, reviews, viewer, "approve", now);
  const open = request.status === "pending";
  return {
    id: row.id,
    number: row.number,
    action: request.action,
    appName: row.appName,
    environment: row.environment,
    params: request.params,
    summary: describeApprovalParams(request.params),
    reason: row.reason,
    requesterId: row.requesterId,
    requesterEmail: row.requesterEmail,
    status: request.status,
    breakGlass: row.breakGlass,
    outcome: row.outcome,
    deploymentId: row.deploymentId,
    deployment,
    policy: request.policy,
    approvalsCounted: tally(engine, reviews, now).counted,
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    executedAt: row.executedAt?.toISOString() ?? null,
    reviews: reviews.map((review) => ({
      reviewerId: review.reviewerId,
      reviewerEmail: review.email,
      reviewerRole: review.role,
      decision: review.decision,
      comment: review.comment,
      createdAt: review.createdAt.toISOString(),
      counts: approvalCounts(engine, review, now),
    })),
    you: {
      canReview: refusal === null && can(viewer.role, "approvals.review"),
      cannotReviewBecause: open && refusal ? refusal.message : null,
      canCancel: open && row.requesterId === viewer.id && can(viewer.role, "approvals.cancel"),
    },
  };
}

type ListInput = z.infer<typeof approvalListInputSchema>;

function statusWhere(status: ListInput["status"]): Prisma.ApprovalRequestWhereInput {
  if (status === "all") return {};
  if (status === "open") return { status: "pending" };
  if (status === "finished") return { status: { in: [...FINISHED_APPROVAL_STATUSES] } };
  return { status };
}

/** How many rows a "waiting" page reads at most while skipping ones the viewer cannot review. */
const MAX_SCANNED = 2_000;

/** Newest first. `waiting` also needs the engine (the policy's roles live in JSON), so it filters in rounds. */
export async function listRequests(
  db: Db,
  teamId: string,
  viewer: Viewer,
  raw: z.input<typeof approvalListInputSchema>,
  now = new Date(),
): Promise<{ requests: ApprovalRequestView[]; nextCursor: number | null }> {
  const input = approvalListInputSchema.parse(raw);
  const where: Prisma.ApprovalRequestWhereInput = {
    teamId,
    ...statusWhere(input.status),
    ...(input.app ? { appName: input.app } : {}),
    ...(input.action ? { action: input.action } : {}),
    ...(input.view === "mine" ? { requesterId: viewer.id } : {}),
    ...(input.view === "waiting"
      ? {
          status: "pending",
          expiresAt: { gt: now },
          requesterId: { not: viewer.id },
          reviews: { none: { reviewerId: viewer.id } },
        }
      : {}),
  };
  const picked: ParsedRequest[] = [];
  let cursor = input.cursor;
  let scanned = 0;
  let more = true;
  while (picked.length < input.limit && more && scanned < MAX_SCANNED) {
    const rows = await db.approvalRequest.findMany({
      where: { ...where, ...(cursor ? { number: { lt: cursor } } : {}) },
      orderBy: { number: "desc" },
      take: input.limit + 1,
      include: requestInclude,
    });
    more = rows.length > input.limit;
    scanned += rows.length;
    for (const row of rows.slice(0, input.limit)) {
      cursor = row.number;
      const request = parseRequest(row);
      const keep =
        input.view !== "waiting" || reviewRefusal(request.engine, request.reviews, viewer, "approve", now) === null;
      if (keep) picked.push(request);
      if (picked.length === input.limit) {
        more = more || rows.indexOf(row) < rows.length - 1;
        break;
      }
    }
  }
  return {
    requests: await present(db, picked, viewer, now),
    // The last row read, picked or skipped: the next page goes on from there.
    nextCursor: more && cursor ? cursor : null,
  };
}
