// The audit log's search and export (issue 14). The search is a keyset query, newest first: pass the
// last page's `nextCursor` to get the next one. Exact filters (actor, action, target, outcome) and a
// time range each use an index, so a page costs the same at a million events (bench/audit).
import { z } from "zod";

export const AUDIT_OUTCOMES = ["success", "denied", "failure"] as const;
export type AuditOutcomeName = (typeof AUDIT_OUTCOMES)[number];

export const AUDIT_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

const isoTime = z.iso.datetime({ offset: true, message: "A time is ISO 8601, e.g. 2026-12-01T08:00:00Z." });

/** The filters the page, `audit.list`, the export route and the CLI share. */
export const auditFilterSchema = z
  .object({
    /** The actor's email (or name, for "registry hook"), exactly. */
    actor: z.string().trim().max(320).optional(),
    /** An action exactly (`apps.rollback`), or every action of a resource with a trailing `.*` (`apps.*`). */
    action: z
      .string()
      .trim()
      .max(100)
      .regex(
        /^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?$/,
        "An action looks like apps.rollback, or apps.* for all of a resource.",
      )
      .optional(),
    /** The target's id (an app's, a user's, a request's…). */
    target: z.string().trim().max(200).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    /** From this time (inclusive) … */
    from: isoTime.optional(),
    /** … to this time (exclusive). */
    to: isoTime.optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditListInputSchema = auditFilterSchema
  .extend({
    /** The id of the last event of the previous page. */
    cursor: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** Sent by tRPC's infinite queries (the page's "Load older events"); pages only go back in time. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .strict();

export const auditExportInputSchema = auditFilterSchema.extend({ format: z.enum(AUDIT_EXPORT_FORMATS) }).strict();

export const auditEventSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  teamId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  nextCursor: z.number().int().nullable(),
});

/** The columns of the CSV export, in order (details as one JSON cell). */
export const AUDIT_CSV_COLUMNS = [
  "id",
  "at",
  "actorId",
  "actorEmail",
  "teamId",
  "action",
  "targetType",
  "targetId",
  "outcome",
  "ip",
  "details",
] as const satisfies readonly (keyof AuditEventView)[];
