// An incident's timeline entries, typed by `kind`. Most are stored as IncidentEvent rows (their
// `data` parsed with these schemas); `deployment`, `shell` and `approval` entries are read from the
// deployments, shell sessions and approval requests of the incident's app and hosts during the
// incident, so nothing has to remember to write them.
import { z } from "zod";
import { GATED_ACTIONS } from "../approvals/approval-policy";
import { APPROVAL_STATUSES, REVIEW_DECISIONS } from "../statuses/approval-statuses";
import { DEPLOYMENT_STATUSES } from "../statuses/deployment-statuses";
import { INCIDENT_STATUSES, SEVERITIES, STEP_OUTCOMES } from "../statuses/incident-statuses";
import { SIGNAL_KINDS } from "./signals";

const text = (max: number) => z.string().max(max);

/** The `data` of each stored kind. */
export const STORED_TIMELINE_DATA = {
  opened: z.object({ source: z.enum(["person", "signal"]), severity: z.enum(SEVERITIES), summary: text(1_000) }),
  signal: z.object({
    signalId: text(64),
    kind: z.enum(SIGNAL_KINDS),
    state: z.enum(["firing", "resolved"]),
    summary: text(1_000),
    /** Alerts: their labels and annotations, as Alertmanager sent them (bounded). */
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  status: z.object({ from: z.enum(INCIDENT_STATUSES), to: z.enum(INCIDENT_STATUSES) }),
  severity: z.object({ from: z.enum(SEVERITIES), to: z.enum(SEVERITIES) }),
  lead: z.object({ leadEmail: text(320).nullable() }),
  note: z.object({ text: text(10_000) }),
  "runbook.attached": z.object({
    runId: text(64),
    slug: text(100),
    version: z.number().int(),
    title: text(200),
    by: z.enum(["rule", "hand"]),
  }),
  "runbook.step": z.object({
    runId: text(64),
    slug: text(100),
    stepId: text(100),
    stepTitle: text(200),
    outcome: z.enum(STEP_OUTCOMES),
    finding: text(2_000).nullable(),
    automatic: z.boolean(),
  }),
  postmortem: z.object({ summary: text(500) }),
} as const;
export type StoredTimelineKind = keyof typeof STORED_TIMELINE_DATA;
export type StoredTimelineData<K extends StoredTimelineKind> = z.infer<(typeof STORED_TIMELINE_DATA)[K]>;

/** Entries read from other tables for the incident's window. */
export const deploymentEntryDataSchema = z.object({
  deploymentId: z.string(),
  kind: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  releaseNumber: z.number().int().nullable(),
  failureReason: z.string().nullable(),
});
export const shellEntryDataSchema = z.object({
  sessionId: z.string(),
  kind: z.enum(["container", "host", "exec"]),
  hostName: z.string(),
  containerName: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** A recording exists and the reader may play it (container shells need logs.read). */
  hasRecording: z.boolean(),
});

/**
 * An approval request of the incident's app made during the incident (issue 14), with its reviews:
 * a break-glass one is flagged, so the timeline shows who skipped review and why.
 */
export const approvalEntryDataSchema = z.object({
  requestId: z.string(),
  number: z.number().int(),
  action: z.enum(GATED_ACTIONS),
  /** describeApprovalParams(params): "Roll back to release 3 on web-1, 2 per host". */
  summary: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  breakGlass: z.boolean(),
  reason: z.string(),
  requester: z.string(),
  reviews: z.array(
    z.object({ email: z.string(), decision: z.enum(REVIEW_DECISIONS), comment: z.string(), at: z.string() }),
  ),
});

const entry = <K extends string, D extends z.ZodType>(kind: K, data: D) =>
  z.object({ id: z.string(), at: z.string(), actor: z.string().nullable(), kind: z.literal(kind), data });

export const timelineEntrySchema = z.discriminatedUnion("kind", [
  entry("opened", STORED_TIMELINE_DATA.opened),
  entry("signal", STORED_TIMELINE_DATA.signal),
  entry("status", STORED_TIMELINE_DATA.status),
  entry("severity", STORED_TIMELINE_DATA.severity),
  entry("lead", STORED_TIMELINE_DATA.lead),
  entry("note", STORED_TIMELINE_DATA.note),
  entry("runbook.attached", STORED_TIMELINE_DATA["runbook.attached"]),
  entry("runbook.step", STORED_TIMELINE_DATA["runbook.step"]),
  entry("postmortem", STORED_TIMELINE_DATA.postmortem),
  entry("deployment", deploymentEntryDataSchema),
  entry("shell", shellEntryDataSchema),
  entry("approval", approvalEntryDataSchema),
]);
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;
export type TimelineKind = TimelineEntry["kind"];
