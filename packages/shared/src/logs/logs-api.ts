// What browsers and the CLI exchange with the portal about logs: the /logs Socket.IO namespace's
// messages and the REST shapes of `GET /apps/{name}/logs`.
import { z } from "zod";
import { logCursorSchema, logFilterSchema, logLineSchema, logStartSchema } from "../protocol/log-stream";

const containerId = z.string().regex(/^[0-9a-f]{64}$/, { message: "A container id is 64 hexadecimal characters." });
const entityId = z.string().min(1).max(64);

/** What a viewer looks at. */
export const logTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("container"), hostId: entityId, containerId }).strict(),
  z.object({ kind: z.literal("app"), name: z.string().min(1).max(40) }).strict(),
  z.object({ kind: z.literal("deployment"), id: entityId }).strict(),
  z.object({ kind: z.literal("agent"), hostId: entityId }).strict(),
]);
export type LogTarget = z.infer<typeof logTargetSchema>;

/** The /logs namespace's events. */
export const LOGS_EVENTS = {
  subscribe: "logs:subscribe",
  unsubscribe: "logs:unsubscribe",
  ack: "logs:ack",
  batch: "logs:batch",
  end: "logs:end",
} as const;

export const viewerStreamIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);

export const viewerSubscribeSchema = z
  .object({
    streamId: viewerStreamIdSchema,
    target: logTargetSchema,
    start: logStartSchema.default({}),
    filter: logFilterSchema.default({}),
    follow: z.boolean().default(true),
    /** Per source key: where the viewer got to before its connection dropped. */
    resume: z.record(z.string().max(200), logCursorSchema).default({}),
  })
  .strict();
export type ViewerSubscribe = z.input<typeof viewerSubscribeSchema>;

export const logSourceInfoSchema = z.object({ key: z.string(), label: z.string() });
export type LogSourceInfo = z.infer<typeof logSourceInfoSchema>;

export type ViewerSubscribeReply =
  | { ok: true; sources: LogSourceInfo[]; title: string }
  | { ok: false; error: string; code: string };

export interface ViewerBatch {
  streamId: string;
  batch: number;
  source: string;
  skipped: number;
  lines: z.infer<typeof logLineSchema>[];
}

export interface ViewerEnd {
  streamId: string;
  source: string;
  reason: "done" | "gone" | "error";
  message?: string;
}

export const viewerAckSchema = z.object({ streamId: viewerStreamIdSchema, batch: z.number().int().min(1) }).strict();
export const viewerUnsubscribeSchema = z.object({ streamId: viewerStreamIdSchema }).strict();

/** REST: GET /apps/{name}/logs. */
export const appLogsInputSchema = z
  .object({
    name: z.string().min(1).max(40),
    /** "15m", "2h", an ISO time. */
    since: z.string().max(40).optional(),
    tail: z.coerce.number().int().min(1).max(10_000).optional(),
    grep: z.string().max(200).optional(),
    level: logFilterSchema.shape.minLevel,
    /** From the previous answer: only lines after it. */
    cursor: z.string().max(8_000).optional(),
    /** With a cursor: wait up to this long for new lines (long poll, for `--follow`). */
    waitMs: z.coerce.number().int().min(0).max(30_000).optional(),
  })
  .strict();
export type AppLogsInput = z.infer<typeof appLogsInputSchema>;

export const appLogLineSchema = z.object({
  instance: z.string(),
  ts: z.string(),
  text: z.string(),
  level: logLineSchema.shape.level,
  err: z.boolean().optional(),
});
export type AppLogLine = z.infer<typeof appLogLineSchema>;

export const appLogsSchema = z.object({
  lines: z.array(appLogLineSchema),
  /** Pass back as `cursor` to get only what comes after. */
  cursor: z.string(),
  instances: z.array(z.string()),
});
export type AppLogs = z.infer<typeof appLogsSchema>;
