// Terminal sessions between portal and agent (DESIGN.md "Logs and shells"; decision 012). The portal
// opens a session with a command (`terminal.open`), then bytes flow as events that carry the session
// id: output agent → portal (`agent:terminal-output`), input, resize and acknowledgements portal →
// agent. Data is bytes (Buffers on the wire, binary Socket.IO attachments), never strings, so a
// multi-byte character split between two reads arrives intact.
//
// Flow control is credit-based: the agent may have TERMINAL_WINDOW_HIGH bytes of output sent and
// not acknowledged; past that it pauses the source (the exec stream or the pty) until the portal's
// acknowledgements bring the count under TERMINAL_WINDOW_LOW. The portal acknowledges only what the
// browser says xterm.js has parsed (its write callback), so a browser that falls behind stops the
// process in the container instead of growing a buffer anywhere.
import { z } from "zod";

const containerId = z.string().regex(/^[0-9a-f]{64}$/);

/** Session ids are chosen by the portal (cuid), short and URL-safe. */
export const terminalSessionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** Unacknowledged output after which the agent pauses the source, and the level at which it resumes. */
export const TERMINAL_WINDOW_HIGH = 1024 * 1024;
export const TERMINAL_WINDOW_LOW = 512 * 1024;
/** Largest data chunk in one message, either way. */
export const TERMINAL_CHUNK_MAX_BYTES = 64 * 1024;
/** Terminal sizes people actually use; anything else is refused. */
export const terminalSizeSchema = z.object({
  cols: z.number().int().min(2).max(1_000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof terminalSizeSchema>;

/** An argument list (never a shell string): what runs in the container. */
export const commandArgvSchema = z.array(z.string().min(1).max(4_096)).min(1).max(64);

/** Shells tried in order when no command is given. */
export const DEFAULT_SHELLS = ["/bin/bash", "/bin/sh"] as const;

export const terminalTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("container"), containerId, command: commandArgvSchema.optional() }).strict(),
  z.object({ kind: z.literal("host") }).strict(),
]);
export type TerminalTarget = z.infer<typeof terminalTargetSchema>;

/** Raw bytes on the wire: a Buffer in Node, an ArrayBuffer or typed array from a browser. */
export function isBinary(value: unknown): value is Uint8Array | ArrayBuffer {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}
export function binarySchema(maxBytes: number) {
  return z.custom<Uint8Array | ArrayBuffer>(
    (value) => isBinary(value) && value.byteLength <= maxBytes,
    `expected at most ${maxBytes} bytes of binary data`,
  );
}
/** The bytes of a binary value as a Buffer (no copy). */
export function toBuffer(value: Uint8Array | ArrayBuffer): Buffer {
  return value instanceof ArrayBuffer
    ? Buffer.from(value)
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A one-shot command (the CLI's `wheelhouse exec`): no TTY, output captured up to this much per stream. */
export const EXEC_OUTPUT_MAX_BYTES = 4 * 1024 * 1024;

export const TERMINAL_COMMANDS = {
  /** Starts a TTY session; its output arrives as agent:terminal-output events with the same id. */
  "terminal.open": {
    params: z
      .object({ sessionId: terminalSessionIdSchema, target: terminalTargetSchema, size: terminalSizeSchema })
      .strict(),
    /** What actually runs (the shell found, or the given command). */
    result: z.object({ command: z.array(z.string()) }),
  },
  /** Ends a session (the process is killed or the exec's stream closed); answered once it is gone. */
  "terminal.close": {
    params: z.object({ sessionId: terminalSessionIdSchema }).strict(),
    result: z.object({ done: z.literal(true) }),
  },
  /** Runs a command in a container without a TTY and returns its exit code and output (base64). */
  "terminal.exec": {
    params: z
      .object({ containerId, command: commandArgvSchema, timeoutMs: z.number().int().min(1_000).max(600_000) })
      .strict(),
    result: z.object({
      exitCode: z.number().int(),
      stdout: z.base64(),
      stderr: z.base64(),
      truncated: z.boolean(),
    }),
  },
} as const;

export const terminalOutputSchema = z.object({
  sessionId: terminalSessionIdSchema,
  data: binarySchema(TERMINAL_CHUNK_MAX_BYTES),
});
export const terminalExitSchema = z.object({
  sessionId: terminalSessionIdSchema,
  exitCode: z.number().int().nullable(),
  /** Why it ended, in words, when it was not the process exiting (the engine went away, …). */
  message: z.string().max(1_000).optional(),
});

/** Agent → portal. */
export const TERMINAL_AGENT_EVENTS = {
  "agent:terminal-output": terminalOutputSchema,
  "agent:terminal-exit": terminalExitSchema,
} as const;

/** Portal → agent (events, not commands: they are many, small and need no reply). */
export const TERMINAL_PORTAL_EVENTS = {
  "portal:terminal-input": z.object({
    sessionId: terminalSessionIdSchema,
    data: binarySchema(TERMINAL_CHUNK_MAX_BYTES),
  }),
  "portal:terminal-resize": z.object({ sessionId: terminalSessionIdSchema, size: terminalSizeSchema }),
  /** Frees `bytes` of the session's window. */
  "portal:terminal-ack": z.object({ sessionId: terminalSessionIdSchema, bytes: z.number().int().min(1) }),
} as const;
export type TerminalPortalEvent = keyof typeof TERMINAL_PORTAL_EVENTS;
export type TerminalPortalPayload<E extends TerminalPortalEvent> = z.infer<(typeof TERMINAL_PORTAL_EVENTS)[E]>;
