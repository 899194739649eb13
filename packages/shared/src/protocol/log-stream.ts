// Log streams between portal and agent (DESIGN.md "Logs and shells"). A subscription names its
// stream id, its source (a container, or the agent's own log), where to start, and its filter; the
// agent runs ONE Docker follow per container however many subscriptions share it, filters each
// subscription at the source (only matching lines cross the network) and sends batches. Each batch
// must be acknowledged: at most LOG_WINDOW_BATCHES may be in flight per stream; past that the agent
// holds lines in a bounded buffer and, when that fills, drops the oldest and says how many
// (`skipped`) in its next batch, so a slow viewer never makes the agent grow without bound.
import { z } from "zod";
import { LOG_LEVELS } from "../logs/log-levels";

const containerId = z.string().regex(/^[0-9a-f]{64}$/);

/** Stream ids are chosen by the portal; short and URL-safe. */
export const logStreamIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/);

/** Batches a stream may have in flight (sent, not acknowledged). */
export const LOG_WINDOW_BATCHES = 16;
/** A batch closes at this many lines, this many bytes of text, or after LOG_FLUSH_MS. */
export const LOG_BATCH_MAX_LINES = 1_000;
export const LOG_BATCH_MAX_BYTES = 128 * 1024;
export const LOG_FLUSH_MS = 15;
/** Lines held per stream while the window is full; beyond this the oldest are dropped and counted. */
export const LOG_BUFFER_MAX_LINES = 20_000;
/** A line longer than this is cut (and marked) so one runaway line cannot fill a message. */
export const LOG_LINE_MAX_CHARS = 16 * 1024;
/** Backlog ("last N lines") ceiling per source. */
export const LOG_TAIL_MAX = 100_000;

export const logLevelSchema = z.enum(LOG_LEVELS);

export const logSourceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("container"), containerId }).strict(),
  z.object({ kind: z.literal("agent") }).strict(),
]);
export type LogSource = z.infer<typeof logSourceSchema>;

/** Where a stream starts: the last `tail` lines, or everything since `since` (ISO time), or only new lines. */
export const logStartSchema = z
  .object({
    since: z.iso.datetime({ offset: true }).optional(),
    tail: z.number().int().min(0).max(LOG_TAIL_MAX).optional(),
  })
  .strict();
export type LogStart = z.infer<typeof logStartSchema>;

/**
 * A resume point: the timestamp of the last line received (nanosecond precision, as Docker writes
 * it) and how many lines with exactly that timestamp were received. A resumed stream starts at `ts`
 * and skips those `count` lines, so a reconnect neither repeats nor loses a line.
 */
export const logCursorSchema = z
  .object({ ts: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/), count: z.number().int().min(0) })
  .strict();
export type LogCursor = z.infer<typeof logCursorSchema>;

export const logFilterSchema = z
  .object({
    /** Case-insensitive substring; matched against the whole line. */
    grep: z.string().max(200).optional(),
    /** Only lines at this level or above (lines without a level are left out when set). */
    minLevel: logLevelSchema.optional(),
  })
  .strict();
export type LogFilter = z.infer<typeof logFilterSchema>;

/** One line on the wire. `seq` counts lines read from the source (before filtering); `ts` is normalised to 9 digits. */
export const logLineSchema = z.object({
  seq: z.number().int().min(0),
  ts: z.string().max(40),
  text: z.string().max(LOG_LINE_MAX_CHARS + 20),
  level: logLevelSchema.nullable(),
  /** True for a container's stderr. */
  err: z.boolean().optional(),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const LOG_STREAM_COMMANDS = {
  /** Starts a stream; its lines arrive as agent:log-batch events with the same stream id. */
  "logs.subscribe": {
    params: z
      .object({
        streamId: logStreamIdSchema,
        source: logSourceSchema,
        start: logStartSchema.default({}),
        resume: logCursorSchema.optional(),
        filter: logFilterSchema.default({}),
        /** false: send the backlog, then end the stream. */
        follow: z.boolean().default(true),
      })
      .strict(),
    result: z.object({ started: z.literal(true) }),
  },
  "logs.unsubscribe": {
    params: z.object({ streamId: logStreamIdSchema }).strict(),
    result: z.object({ done: z.literal(true) }),
  },
  /** A one-shot read (REST, CLI): at most `limit` lines after the start or cursor, filtered at the agent. */
  "logs.read": {
    params: z
      .object({
        source: logSourceSchema,
        start: logStartSchema.default({}),
        resume: logCursorSchema.optional(),
        filter: logFilterSchema.default({}),
        limit: z.number().int().min(1).max(10_000).default(1_000),
      })
      .strict(),
    result: z.object({ lines: z.array(logLineSchema).max(10_000), more: z.boolean() }),
  },
  /** How many Docker follows and subscriptions run on this agent (tests and the benchmark read it). */
  "logs.stats": {
    params: z.object({}).strict(),
    result: z.object({ follows: z.number().int(), subscriptions: z.number().int(), bufferedLines: z.number().int() }),
  },
} as const;

export const logBatchSchema = z.object({
  streamId: logStreamIdSchema,
  /** Increases by one per batch of this stream, from 1. */
  batch: z.number().int().min(1),
  /** Lines dropped (buffer full) just before this batch's lines. */
  skipped: z.number().int().min(0),
  lines: z.array(logLineSchema).max(LOG_BATCH_MAX_LINES),
});
export type LogBatch = z.infer<typeof logBatchSchema>;

export const logEndSchema = z.object({
  streamId: logStreamIdSchema,
  /** "done" (backlog sent, not following), "gone" (the container went away), "error". */
  reason: z.enum(["done", "gone", "error"]),
  message: z.string().max(1_000).optional(),
});
export type LogEnd = z.infer<typeof logEndSchema>;

/** Agent → portal. */
export const LOG_STREAM_AGENT_EVENTS = {
  "agent:log-batch": logBatchSchema,
  "agent:log-end": logEndSchema,
} as const;

/** Portal → agent: acknowledges a batch, freeing one slot of the stream's window. */
export const LOG_ACK_EVENT = "portal:log-ack";
export const logAckSchema = z.object({ streamId: logStreamIdSchema, batch: z.number().int().min(1) });
export type LogAck = z.infer<typeof logAckSchema>;
