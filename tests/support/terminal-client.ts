// A browser-like client of the /terminal namespace for tests and the benchmark: the session cookie
// and an Origin header as a page would send them, an attach token from the tRPC mutation, binary
// input, and an acknowledgement for all output it receives (as the page does after xterm.js parsed it).
// It speaks the namespace's event map from packages/shared and parses `terminal:ready` and
// `terminal:ended` with the shared schemas, so a portal that drifts from the protocol fails the tests.
import {
  parseMessage,
  TERMINAL_EVENTS,
  type TerminalClientEvents,
  type TerminalEnded,
  type TerminalReady,
  type TerminalServerEvents,
  terminalEndedSchema,
  terminalReadySchema,
} from "@wheelhouse/shared";
import { io, type Socket } from "socket.io-client";
import type { ApiClient } from "./api-client.ts";

export type TerminalSocket = Socket<TerminalServerEvents, TerminalClientEvents>;

export interface TerminalClient {
  socket: TerminalSocket;
  sessionId: string;
  /** Everything received so far (replay and output), decoded as UTF-8. */
  text(): string;
  bytes(): number;
  send(text: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** Resolves when the received text matches, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  ended: Promise<TerminalEnded>;
  close(): void;
}

export interface ConnectOptions {
  /** Acknowledge output only when this says so (the benchmark parses first); default: at once. */
  onOutput?: (data: Uint8Array, ack: () => void) => void;
  origin?: string;
  keepText?: boolean;
}

/** Connects with a token; resolves once `terminal:ready` arrives, rejects with the refusal's message. */
export function connectTerminal(
  baseUrl: string,
  cookie: string,
  token: string,
  options: ConnectOptions = {},
): Promise<TerminalClient> {
  const socket: TerminalSocket = io(`${baseUrl}/terminal`, {
    transports: ["websocket"],
    // Never a cached connection of another client: its headers (the cookie) would be sent instead.
    forceNew: true,
    reconnection: false,
    auth: { token },
    extraHeaders: { cookie, origin: options.origin ?? baseUrl },
  });
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  const keepText = options.keepText ?? true;
  const waiters = new Set<() => void>();
  const receive = (raw: ArrayBuffer | Uint8Array) => {
    const data = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
    bytes += data.byteLength;
    if (keepText) text += decoder.decode(data, { stream: true });
    for (const check of waiters) check();
    return data;
  };
  socket.on(TERMINAL_EVENTS.replay, (raw) => receive(raw));
  socket.on(TERMINAL_EVENTS.output, (raw) => {
    const data = receive(raw);
    const ack = () => socket.emit(TERMINAL_EVENTS.ack, { bytes: data.byteLength });
    if (options.onOutput) options.onOutput(data, ack);
    else ack();
  });
  const ended = new Promise<TerminalEnded>((resolve, reject) => {
    socket.on(TERMINAL_EVENTS.ended, (payload: unknown) => {
      const parsed = parseMessage(terminalEndedSchema, payload);
      if (parsed.ok) resolve(parsed.data);
      // Rejected even when no test awaits it: the unhandled rejection then fails the run.
      else reject(new Error(`terminal:ended does not match the protocol: ${parsed.reason}`));
    });
  });
  return new Promise((resolve, reject) => {
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
    socket.once(TERMINAL_EVENTS.ready, (payload: unknown) => {
      const parsed = parseMessage(terminalReadySchema, payload);
      if (!parsed.ok) {
        socket.close();
        reject(new Error(`terminal:ready does not match the protocol: ${parsed.reason}`));
        return;
      }
      const ready: TerminalReady = parsed.data;
      resolve({
        socket,
        sessionId: ready.sessionId,
        text: () => text,
        bytes: () => bytes,
        send: (input) => socket.emit(TERMINAL_EVENTS.input, typeof input === "string" ? Buffer.from(input) : input),
        resize: (cols, rows) => socket.emit(TERMINAL_EVENTS.resize, { cols, rows }),
        waitFor: (pattern, timeoutMs = 10_000) =>
          new Promise<void>((done, fail) => {
            const matches = () => (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text));
            if (matches()) return done();
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `terminal output did not match ${pattern} within ${timeoutMs} ms; got:\n${text.slice(-2000)}`,
                ),
              );
            }, timeoutMs);
            const check = () => {
              if (!matches()) return;
              clearTimeout(timer);
              waiters.delete(check);
              done();
            };
            waiters.add(check);
          }),
        ended,
        close: () => socket.close(),
      });
    });
  });
}

/** Mints a token for a container shell through tRPC (as the page does) and connects. */
export async function openContainerShell(
  client: ApiClient,
  hostId: string,
  containerId: string,
  options: ConnectOptions & { command?: string[]; cols?: number; rows?: number } = {},
): Promise<TerminalClient> {
  const minted = await client.mutate<{ token: string }>("terminal.openContainer", {
    hostId,
    containerId,
    ...(options.command ? { command: options.command } : {}),
    size: { cols: options.cols ?? 80, rows: options.rows ?? 24 },
  });
  if (!minted.data) throw new Error(`could not mint a terminal token: ${JSON.stringify(minted.error)}`);
  return connectTerminal(client.baseUrl, client.cookie ?? "", minted.data.token, options);
}
