// The request and response shapes of incidents and runbooks (issue 13): tRPC procedures declare them,
// REST (/api/v1/incidents…, /api/v1/runbooks…) is generated from those, and the CLI parses with them.
// Dates are ISO 8601 strings.
import { z } from "zod";
import { appNameSchema } from "../apps/app-fields";
import { incidentRulesSchema } from "../incidents/incident-rules";
import { SIGNAL_KINDS, SIGNAL_OUTCOMES } from "../incidents/signals";
import { timelineEntrySchema } from "../incidents/timeline";
import { CHECK_KINDS, CHECK_OUTCOMES } from "../runbooks/check-catalogue";
import { runbookSchema } from "../runbooks/runbook-format";
import { INCIDENT_STATUSES, SEVERITIES, STEP_OUTCOMES } from "../statuses/incident-statuses";

const isoDate = z.string();
const id = z.string().min(1).max(64);

// ---- incidents ----

export const INCIDENT_LIST_STATUSES = ["open", "resolved", "all"] as const;

export const incidentListInputSchema = z
  .object({
    status: z.enum(INCIDENT_LIST_STATUSES).default("open"),
    severity: z.enum(SEVERITIES).optional(),
    app: appNameSchema.optional(),
    // Coerced: over REST (GET /incidents?limit=20) it arrives as text.
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export const incidentRefSchema = z.object({ id }).strict();

export const openIncidentInputSchema = z
  .object({
    title: z.string().trim().min(3, "A title is at least 3 characters.").max(200, "A title is at most 200 characters."),
    severity: z.enum(SEVERITIES),
    app: appNameSchema.optional(),
    hostId: id.optional(),
    /** The lead's user id; the person opening it when absent. */
    leadId: id.optional(),
    summary: z.string().max(2_000).optional(),
  })
  .strict();

export const updateIncidentInputSchema = z
  .object({
    id,
    status: z.enum(INCIDENT_STATUSES).optional(),
    severity: z.enum(SEVERITIES).optional(),
    /** null clears the lead. */
    leadId: id.nullable().optional(),
    title: z.string().trim().min(3).max(200).optional(),
  })
  .strict();

export const incidentNoteInputSchema = z
  .object({
    id,
    text: z.string().trim().min(1, "A note is not empty.").max(10_000, "A note is at most 10,000 characters."),
  })
  .strict();

export const postmortemSchema = z
  .object({
    summary: z.string().max(10_000).default(""),
    impact: z.string().max(10_000).default(""),
    timelineExcerpt: z.string().max(20_000).default(""),
    actionItems: z
      .array(
        z
          .object({
            text: z.string().trim().min(1).max(500),
            owner: z.string().max(320).default(""),
            done: z.boolean().default(false),
          })
          .strict(),
      )
      .max(100)
      .default([]),
  })
  .strict();
export type Postmortem = z.infer<typeof postmortemSchema>;

export const postmortemInputSchema = z.object({ id, postmortem: postmortemSchema }).strict();

const personSchema = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

export const incidentSummarySchema = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(INCIDENT_STATUSES),
  /** The app's name, or null for an incident about a host or nothing in particular. */
  app: z.string().nullable(),
  host: z.object({ id: z.string(), name: z.string() }).nullable(),
  lead: personSchema.nullable(),
  openedAt: isoDate,
  resolvedAt: isoDate.nullable(),
  /** "signal" or the email of the person who opened it. */
  openedBy: z.string(),
  signals: z.number().int(),
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

export const stepStateSchema = z.object({
  stepId: z.string(),
  outcome: z.enum(STEP_OUTCOMES).nullable(),
  finding: z.string().nullable(),
  output: z.string().nullable(),
  by: z.string().nullable(),
  automatic: z.boolean(),
  at: isoDate.nullable(),
  hostName: z.string().nullable(),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const runbookRunSchema = z.object({
  id: z.string(),
  slug: z.string(),
  version: z.number().int(),
  origin: z.enum(["library", "team"]),
  title: z.string(),
  attachedBy: z.enum(["rule", "hand"]),
  definition: runbookSchema,
  /** One entry per step of the definition, in its order. */
  steps: z.array(stepStateSchema),
});
export type RunbookRunDto = z.infer<typeof runbookRunSchema>;

export const incidentDetailSchema = incidentSummarySchema.extend({
  fingerprint: z.string().nullable(),
  timeline: z.array(timelineEntrySchema),
  runbooks: z.array(runbookRunSchema),
  postmortem: postmortemSchema,
});
export type IncidentDetail = z.infer<typeof incidentDetailSchema>;

export const attachRunbookInputSchema = z.object({ id, slug: z.string().min(1).max(100) }).strict();
export const runStepInputSchema = z.object({ runId: id, stepId: z.string().min(1).max(100) }).strict();
export const tickStepInputSchema = z
  .object({ runId: id, stepId: z.string().min(1).max(100), done: z.boolean() })
  .strict();

// ---- signals: rules, tokens, recent signals ----

export const incidentRulesInputSchema = z.object({ rules: incidentRulesSchema }).strict();

export const recentSignalsInputSchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

export const signalSchema = z.object({
  id: z.string(),
  kind: z.enum(SIGNAL_KINDS),
  summary: z.string(),
  outcome: z.enum(SIGNAL_OUTCOMES),
  receivedAt: isoDate,
  incidentId: z.string().nullable(),
});

/** The Alertmanager webhook body, version 4. Unknown fields are allowed and dropped. */
const labelMap = z.record(z.string().max(200), z.string().max(2_000));
export const alertmanagerAlertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().max(64),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(2_048).optional(),
  fingerprint: z.string().max(64).optional(),
});
export const alertmanagerWebhookSchema = z.object({
  version: z.literal("4"),
  groupKey: z.string().max(2_048),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string().max(200),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().max(2_048).optional(),
  alerts: z.array(alertmanagerAlertSchema).max(1_000),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

// ---- runbooks ----

export const runbookSummarySchema = z.object({
  slug: z.string(),
  version: z.number().int(),
  origin: z.enum(["library", "team"]),
  title: z.string(),
  summary: z.string(),
  sources: z.array(z.string()),
  symptoms: z.array(z.string()),
  steps: z.number().int(),
  automaticSteps: z.number().int(),
  hasCommand: z.boolean(),
  /** A team runbook with the id of a library one: the team's is used (listed, attached) instead. */
  shadowsLibrary: z.boolean(),
  updatedAt: isoDate.nullable(),
  updatedBy: z.string().nullable(),
});
export type RunbookSummary = z.infer<typeof runbookSummarySchema>;

export const runbookDetailSchema = runbookSummarySchema.extend({
  source: z.string(),
  definition: runbookSchema,
  /** Team runbooks: every saved version, newest first. */
  versions: z.array(z.object({ version: z.number().int(), at: isoDate, by: z.string().nullable() })),
});

export const runbookRefSchema = z
  // Coerced: REST sends it as ?version=2.
  .object({ slug: z.string().min(1).max(100), version: z.coerce.number().int().min(1).optional() })
  .strict();
export const saveRunbookInputSchema = z
  .object({
    source: z
      .string()
      .min(1)
      .max(256 * 1024),
  })
  .strict();

export const checkRunStatsSchema = z.object({ check: z.enum(CHECK_KINDS), outcome: z.enum(CHECK_OUTCOMES) });
