// What browsers (and the tests' client) exchange with the portal about one terminal session: the
// /terminal Socket.IO namespace's events, their payloads and the schemas the portal parses them
// with. One socket is attached to one session (the attach token in the handshake says which).
// Bytes go both ways as binary attachments: Buffers sent by the portal arrive in a browser as
// ArrayBuffers. The portal ↔ agent side of the same sessions is protocol/terminal.ts.
import { z } from "zod";
import { binarySchema, TERMINAL_CHUNK_MAX_BYTES, terminalSizeSchema } from "../protocol/terminal";
import { TERMINAL_END_REASONS } from "../statuses/terminal-session-statuses";

/** The /terminal namespace's events. */
export const TERMINAL_EVENTS = {
  /** Browser → portal: keystrokes (binary; only the controlling tab). */
  input: "terminal:input",
  /** Browser → portal: the terminal's new size in characters (only the controlling tab). */
  resize: "terminal:resize",
  /** Browser → portal: bytes of output xterm.js has parsed (flow control, decision 012). */
  ack: "terminal:ack",
  /** Browser → portal: end the session (only the controlling tab). */
  close: "terminal:close",
  /** Portal → browser: attached; what the session is. */
  ready: "terminal:ready",
  /** Portal → browser: output (binary), to be acknowledged once parsed. */
  output: "terminal:output",
  /** Portal → browser: the recent output, once after attaching (binary, not acknowledged). */
  replay: "terminal:replay",
  /** Portal → browser: a line to show (someone started watching, …). */
  notice: "terminal:notice",
  /** Portal → browser: this socket is being closed while the session goes on (another tab took over, …). */
  kicked: "terminal:kicked",
  /** Portal → browser: the session ended; the socket closes after this. */
  ended: "terminal:ended",
  /** Portal → browser: a message of the browser's was refused, and why. */
  refused: "terminal:refused",
} as const;

/** The handshake's `auth`: the single-use attach token minted by `terminal.open*` / `terminal.attach`. */
export const terminalAttachSchema = z.object({ token: z.string().min(10).max(200) });
export const terminalInputSchema = binarySchema(TERMINAL_CHUNK_MAX_BYTES);
export const terminalResizeSchema = terminalSizeSchema;
export const terminalAckSchema = z.object({
  bytes: z
    .number()
    .int()
    .min(1)
    .max(1 << 30),
});
export type TerminalAck = z.infer<typeof terminalAckSchema>;

/** What a browser learns once attached to a session. */
export const terminalReadySchema = z.object({
  sessionId: z.string().min(1).max(64),
  mode: z.enum(["control", "watch"]),
  kind: z.enum(["container", "host"]),
  hostId: z.string().min(1).max(64),
  hostName: z.string().max(200),
  containerName: z.string().max(300).nullable(),
  command: z.array(z.string().max(4_096)).max(64),
  owner: z.string().max(320),
  startedAt: z.iso.datetime({ offset: true }),
});
export type TerminalReady = z.infer<typeof terminalReadySchema>;

/** The end of a session, as every viewer of it is told. */
export const terminalEndedSchema = z.object({
  /** The process's exit code; null when it did not exit by itself (closed, idle, agent lost, …). */
  exitCode: z.number().int().nullable(),
  reason: z.enum(TERMINAL_END_REASONS),
  /** A sentence to show. */
  message: z.string().max(2_000),
});
export type TerminalEnded = z.infer<typeof terminalEndedSchema>;

/** A notice, or why this socket was let go (kicked). */
export const terminalMessageSchema = z.object({ message: z.string().max(1_000) });
export type TerminalMessage = z.infer<typeof terminalMessageSchema>;

export const terminalRefusedSchema = z.object({ event: z.string().max(100), reason: z.string().max(500) });
export type TerminalRefused = z.infer<typeof terminalRefusedSchema>;

/** Raw bytes as they travel: a Buffer when sent from Node, an ArrayBuffer when received by a browser. */
type Bytes = Uint8Array | ArrayBuffer;

/** Portal → browser, as Socket.IO's typed-events map (`Socket<TerminalClientEvents, TerminalServerEvents>`). */
export interface TerminalServerEvents {
  [TERMINAL_EVENTS.ready]: (ready: TerminalReady) => void;
  [TERMINAL_EVENTS.output]: (data: Bytes) => void;
  [TERMINAL_EVENTS.replay]: (data: Bytes) => void;
  [TERMINAL_EVENTS.notice]: (notice: TerminalMessage) => void;
  [TERMINAL_EVENTS.kicked]: (kicked: TerminalMessage) => void;
  [TERMINAL_EVENTS.ended]: (ended: TerminalEnded) => void;
  [TERMINAL_EVENTS.refused]: (refused: TerminalRefused) => void;
}

/** Browser → portal. The portal parses each payload with the schema above before acting on it. */
export interface TerminalClientEvents {
  [TERMINAL_EVENTS.input]: (data: Bytes) => void;
  [TERMINAL_EVENTS.resize]: (size: z.input<typeof terminalResizeSchema>) => void;
  [TERMINAL_EVENTS.ack]: (ack: TerminalAck) => void;
  [TERMINAL_EVENTS.close]: () => void;
}
