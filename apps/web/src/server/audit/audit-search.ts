// The audit log's search (issue 14): newest first, paged by keyset (`id < cursor`), never by offset,
// so a page deep in a million events costs what the first one does (bench/audit, decision 038).
//
// Every query here walks one index that ends in `id`, backwards, and stops after limit+1 rows:
// - scope: the team's events (`teamId = X`) and the team-less ones (sign-ins of unknown emails,
//   which every team's auditors see) are two queries merged by id: `teamId = X OR teamId IS NULL`
//   would make both databases give up the (teamId, …, id) indexes and sort.
// - filter: actor, target, outcome and an exact action are equalities on (teamId, <column>, id).
//   With several, the database walks one such index and checks the others on the rows it reads.
// - an action prefix (`apps.*`) is not a range on `action`: under PostgreSQL's usual collations
//   (en_US.UTF-8; even C.UTF-8 on PostgreSQL 15) neither LIKE nor `>= 'apps.' AND < 'apps/'` is
//   answered by the index, or correctly. Instead the distinct actions of the scope are listed by
//   a loose index scan (one index probe per distinct action, a few hundred at most), those with the
//   prefix kept, and one exact-action query per action merged by id.
// - time: `at` has its own index, which cannot keep the keyset order. Ids grow with time, so the
//   range is turned into an id range first (the first id at or after `from`, the first at or after
//   `to`), and the page stays on the (teamId, …, id) index; `at` is still checked on the rows read,
//   so a row written out of order at a boundary (same millisecond, two writers) cannot slip in.
import { AUDIT_OUTCOMES, type AuditEventView, type AuditFilter, type AuditOutcomeName } from "@wheelhouse/shared";
import type { Db } from "../db/client";
import { Prisma } from "../db/generated/sqlite/client";

export interface AuditPage {
  events: AuditEventView[];
  nextCursor: number | null;
}

/**
 * One walk down an index: its rows and their order. The order names the index's leading columns
 * before id although they are constant in the walk: PostgreSQL treats `teamId IS NULL` as no
 * equality, so ordered by id alone it read every team-less match and sorted them (bench/audit);
 * ordered by (teamId, <column>, id) it walks the index backwards and stops at the page.
 */
export interface AuditWalk {
  where: Prisma.AuditEventWhereInput;
  orderBy: Prisma.AuditEventOrderByWithRelationInput[];
}

/** What a search reads, worked out once (the export reads many pages of one plan). */
export interface AuditSearchPlan {
  /** The index walks; none when nothing can match (an empty time range). */
  walks: AuditWalk[];
  /** Exclusive upper bound on ids from `to`, combined with each page's cursor. */
  beforeId: number | null;
}

type AuditRow = Awaited<ReturnType<Db["auditEvent"]["findMany"]>>[number];

/** Works out the index walks of a search of `teamId`'s audit log with `filter`. */
export async function planAuditSearch(db: Db, teamId: string, query: AuditFilter): Promise<AuditSearchPlan> {
  // One form for every instant (UTC, milliseconds): SQLite compares the stored times as text.
  const filter = { ...query, from: utc(query.from), to: utc(query.to) };
  const range = await idRange(db, filter);
  if (range === "empty") return { walks: [], beforeId: null };
  const base: Prisma.AuditEventWhereInput = {
    ...(range.fromId !== null ? { id: { gte: range.fromId } } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
  const walks: AuditWalk[] = [];
  const walk = (scope: string | null, exact: AuditFilter): AuditWalk => {
    const { where, leader } = exactFilters(exact);
    return {
      where: { ...base, teamId: scope, ...where },
      orderBy: [{ teamId: "desc" }, ...(leader ? [{ [leader]: "desc" as const }] : []), { id: "desc" }],
    };
  };
  for (const scope of [teamId, null]) {
    if (filter.action?.endsWith(".*")) {
      const prefix = filter.action.slice(0, -1);
      const actions = (await distinctActions(db, scope)).filter((action) => action.startsWith(prefix));
      for (const action of actions) walks.push(walk(scope, { ...filter, action }));
    } else {
      walks.push(walk(scope, filter));
    }
  }
  return { walks, beforeId: range.beforeId };
}

/**
 * The exact filters, the likely rarest leading: a target, then an actor, an action, an outcome.
 * The leader is a plain equality, which the database answers from its (teamId, <column>, id)
 * index; the others are written `NOT (column <> value)`, the same rows, which SQLite cannot take
 * an index for. SQLite keeps no statistics here (the portal runs no ANALYZE), and left to choose
 * between two equalities it walked the outcome index for "actor + failure" and read 200 rows per
 * match (bench/audit). PostgreSQL turns NOT (a <> b) back into a = b and chooses by its statistics.
 */
function exactFilters(filter: AuditFilter): { where: Prisma.AuditEventWhereInput; leader: ExactColumn | null } {
  const candidates: [ExactColumn, string | undefined][] = [
    ["targetId", filter.target],
    ["actorEmail", filter.actor],
    ["action", filter.action],
    ["outcome", filter.outcome],
  ];
  const equalities = candidates.filter((equality): equality is [ExactColumn, string] => equality[1] !== undefined);
  const [leader, ...others] = equalities;
  if (!leader) return { where: {}, leader: null };
  return {
    where: {
      [leader[0]]: leader[1],
      ...(others.length > 0 ? { NOT: others.map(([column, value]) => ({ [column]: { not: value } })) } : {}),
    },
    leader: leader[0],
  };
}

type ExactColumn = "targetId" | "actorEmail" | "action" | "outcome";

/** One page of a planned search: the `limit` newest events older than `cursor`. */
export async function readAuditPage(
  db: Db,
  plan: AuditSearchPlan,
  cursor: number | undefined,
  limit: number,
): Promise<AuditPage> {
  const bounds = [cursor, plan.beforeId ?? undefined].filter((bound): bound is number => bound !== undefined);
  const before = bounds.length > 0 ? Math.min(...bounds) : undefined;
  const found: AuditRow[] = [];
  for (const walk of plan.walks) {
    const bounded = walk.where.id;
    const where: Prisma.AuditEventWhereInput =
      before === undefined
        ? walk.where
        : { ...walk.where, id: { ...(typeof bounded === "object" ? bounded : {}), lt: before } };
    found.push(...(await db.auditEvent.findMany({ where, orderBy: walk.orderBy, take: limit + 1 })));
  }
  // Each walk's newest limit+1 hold the merged newest limit+1, so one more than a page means more.
  found.sort((a, b) => b.id - a.id);
  const page = found.slice(0, limit);
  return {
    events: page.map(toView),
    nextCursor: found.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** A page of the audit log of `teamId`, as `audit.list` answers. */
export async function searchAudit(
  db: Db,
  teamId: string,
  query: AuditFilter & { cursor?: number | undefined; limit: number },
): Promise<AuditPage> {
  const { cursor, limit, ...filter } = query;
  return readAuditPage(db, await planAuditSearch(db, teamId, filter), cursor, limit);
}

/**
 * The id range of a time range, read on the `at` index: ids from the first event at or after
 * `from`, and before the first event at or after `to`. "empty" when nothing is that recent.
 */
async function idRange(
  db: Db,
  filter: AuditFilter,
): Promise<{ fromId: number | null; beforeId: number | null } | "empty"> {
  const firstAtOrAfter = async (time: string) =>
    (await db.auditEvent.findFirst({ where: { at: { gte: time } }, orderBy: { at: "asc" }, select: { id: true } }))
      ?.id ?? null;
  const fromId = filter.from ? await firstAtOrAfter(filter.from) : null;
  if (filter.from && fromId === null) return "empty";
  const beforeId = filter.to ? await firstAtOrAfter(filter.to) : null;
  return { fromId, beforeId };
}

/**
 * The distinct actions of one scope, by a loose index scan on (teamId, action, id): each step asks
 * the index for the first action after the previous one, so it reads one entry per distinct
 * action instead of every event. The same SQL runs on SQLite and PostgreSQL.
 */
async function distinctActions(db: Db, teamId: string | null): Promise<string[]> {
  const scope = teamId === null ? Prisma.sql`"teamId" IS NULL` : Prisma.sql`"teamId" = ${teamId}`;
  const rows = await db.$queryRaw<{ action: string | null }[]>`
    WITH RECURSIVE acts(action) AS (
      SELECT (SELECT "action" FROM "AuditEvent" WHERE ${scope} ORDER BY "action" LIMIT 1)
      UNION ALL
      SELECT (SELECT "action" FROM "AuditEvent" WHERE ${scope} AND "action" > acts.action ORDER BY "action" LIMIT 1)
      FROM acts WHERE acts.action IS NOT NULL
    )
    SELECT action FROM acts WHERE action IS NOT NULL`;
  return rows.flatMap((row) => (row.action === null ? [] : [row.action]));
}

function utc(time: string | undefined): string | undefined {
  return time === undefined ? undefined : new Date(time).toISOString();
}

function isOutcome(value: string): value is AuditOutcomeName {
  return (AUDIT_OUTCOMES as readonly string[]).includes(value);
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Every event is written by recordAudit as a JSON object; anything else is shown as it is stored.
  }
  return { raw: text };
}

export function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorEmail: row.actorEmail,
    teamId: row.teamId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    // recordAudit only writes the three. A row written otherwise (by hand, in SQL) would fail the
    // output schema and with it the whole page: shown as a failure, its stored value kept beside.
    outcome: isOutcome(row.outcome) ? row.outcome : "failure",
    ip: row.ip,
    details: isOutcome(row.outcome)
      ? parseDetails(row.details)
      : { ...parseDetails(row.details), storedOutcome: row.outcome },
  };
}
