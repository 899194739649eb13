"use client";
// One terminal session in xterm.js over the /terminal socket. Bytes both ways (xterm decodes UTF-8
// itself, across chunk boundaries). Flow control: every output chunk is acknowledged only once
// xterm.js has parsed it (its write callback); the portal and the agent hold the source while too
// much is unacknowledged, so a slow browser pauses the process instead of filling memory.
// Copy: select, then Ctrl+Shift+C (or the browser's menu); paste: Ctrl+Shift+V or the browser's.
import "@xterm/xterm/css/xterm.css";
import { Box } from "@mantine/core";
import {
  TERMINAL_EVENTS,
  type TerminalClientEvents,
  type TerminalEnded,
  type TerminalReady,
  type TerminalServerEvents,
} from "@wheelhouse/shared";
import type { Terminal } from "@xterm/xterm";
import { useEffect, useRef } from "react";
import { io, type Socket } from "socket.io-client";
import { TERMINAL_THEME } from "./terminal-theme";

export interface TerminalViewProps {
  /** Mints a single-use attach token (tRPC) for a terminal of this size. */
  mint(size: { cols: number; rows: number }): Promise<string>;
  onReady(ready: TerminalReady): void;
  onEnded(ended: TerminalEnded): void;
  /** Could not attach (refused, unreachable) or was disconnected: a sentence to show. */
  onProblem(message: string): void;
  /** Set to request the end of the session (the "End session" button). */
  closeSignal?: number;
}

/** Acknowledge parsed output in batches of this size (or as soon as xterm has caught up). */
const ACK_BATCH_BYTES = 32 * 1024;

function describeConnectError(message: string): string {
  // Socket.IO names transport failures this way; a refusal by the portal carries our own sentence.
  if (/websocket error|xhr poll error|timeout/i.test(message)) {
    return "The terminal's WebSocket connection failed. If a proxy sits between you and Wheelhouse, it must pass WebSocket upgrades (Upgrade and Connection headers) for /socket.io/.";
  }
  return message;
}

function bytesOf(data: Uint8Array | ArrayBuffer): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

export function TerminalView({ mint, onReady, onEnded, onProblem, closeSignal }: TerminalViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ mint, onReady, onEnded, onProblem });
  callbacks.current = { mint, onReady, onEnded, onProblem };
  const closeRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (closeSignal) closeRef.current();
  }, [closeSignal]);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let disposed = false;
    let cleanup: () => void = () => {
      /* replaced once the terminal is up */
    };
    (async () => {
      const [{ Terminal: XTerm }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
      ]);
      if (disposed) return;
      const term: Terminal = new XTerm({
        cursorBlink: true,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace",
        fontSize: 14,
        scrollback: 5_000,
        theme: TERMINAL_THEME,
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.open(element);
      fit.fit();
      // The size in characters, for people's tools and the end-to-end test (stty size must match).
      const showSize = () => {
        element.dataset.cols = String(term.cols);
        element.dataset.rows = String(term.rows);
      };
      showSize();
      term.attachCustomKeyEventHandler((event) => {
        if (event.type !== "keydown" || !event.ctrlKey || !event.shiftKey) return true;
        if (event.code === "KeyC" && term.hasSelection()) {
          void navigator.clipboard?.writeText(term.getSelection());
          return false;
        }
        if (event.code === "KeyV") {
          void navigator.clipboard?.readText().then((text) => term.paste(text));
          return false;
        }
        return true;
      });

      let token: string;
      try {
        token = await callbacks.current.mint({ cols: term.cols, rows: term.rows });
      } catch (error) {
        callbacks.current.onProblem(error instanceof Error ? error.message : String(error));
        term.dispose();
        return;
      }
      if (disposed) {
        term.dispose();
        return;
      }
      // The namespace's event map (packages/shared/src/terminal/terminal-api.ts) checks every emit and listener.
      const socket: Socket<TerminalServerEvents, TerminalClientEvents> = io("/terminal", {
        transports: ["websocket"],
        auth: { token },
        reconnection: false,
      });
      const encoder = new TextEncoder();
      let control = false;
      let ended = false;
      let parsedNotAcked = 0;
      let writesPending = 0;

      const write = (data: Uint8Array, acknowledge: boolean) => {
        writesPending += 1;
        term.write(data, () => {
          writesPending -= 1;
          if (!acknowledge) return;
          parsedNotAcked += data.byteLength;
          if (parsedNotAcked >= ACK_BATCH_BYTES || writesPending === 0) {
            socket.emit(TERMINAL_EVENTS.ack, { bytes: parsedNotAcked });
            parsedNotAcked = 0;
          }
        });
      };
      socket.on(TERMINAL_EVENTS.ready, (ready) => {
        control = ready.mode === "control";
        term.options.disableStdin = !control;
        if (control) socket.emit(TERMINAL_EVENTS.resize, { cols: term.cols, rows: term.rows });
        callbacks.current.onReady(ready);
        term.focus();
      });
      // Binary arrives as an ArrayBuffer in a browser; a view over it copies nothing.
      socket.on(TERMINAL_EVENTS.replay, (data) => write(bytesOf(data), false));
      socket.on(TERMINAL_EVENTS.output, (data) => write(bytesOf(data), true));
      socket.on(TERMINAL_EVENTS.notice, ({ message }) => {
        term.write(`\r\n\x1b[2m[${message}]\x1b[0m\r\n`);
      });
      socket.on(TERMINAL_EVENTS.kicked, ({ message }) => {
        ended = true;
        callbacks.current.onProblem(message);
      });
      socket.on(TERMINAL_EVENTS.ended, (info) => {
        ended = true;
        const code = info.exitCode === null ? "" : ` (exit code ${info.exitCode})`;
        term.write(`\r\n\x1b[2m[${info.message}${code}]\x1b[0m\r\n`);
        term.options.disableStdin = true;
        callbacks.current.onEnded(info);
      });
      socket.on("connect_error", (error: Error) => callbacks.current.onProblem(describeConnectError(error.message)));
      socket.on("disconnect", (reason) => {
        if (!ended && !disposed && reason !== "io client disconnect") {
          callbacks.current.onProblem(
            "The connection to the terminal dropped. Reload the page to attach again; the session waits for a minute.",
          );
        }
      });

      const input = term.onData((data) => {
        if (control && !ended) socket.emit(TERMINAL_EVENTS.input, encoder.encode(data));
      });
      const binary = term.onBinary((data) => {
        if (!control || ended) return;
        const bytes = new Uint8Array(data.length);
        for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
        socket.emit(TERMINAL_EVENTS.input, bytes);
      });
      let resizeTimer: ReturnType<typeof setTimeout> | undefined;
      const resized = term.onResize(({ cols, rows }) => {
        showSize();
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => {
          if (control && !ended) socket.emit(TERMINAL_EVENTS.resize, { cols, rows });
        }, 50);
      });
      const observer = new ResizeObserver(() => fit.fit());
      observer.observe(element);
      closeRef.current = () => {
        if (control && !ended) socket.emit(TERMINAL_EVENTS.close);
      };
      cleanup = () => {
        observer.disconnect();
        clearTimeout(resizeTimer);
        input.dispose();
        binary.dispose();
        resized.dispose();
        socket.close();
        term.dispose();
      };
    })();
    return () => {
      disposed = true;
      cleanup();
    };
  }, []);

  return (
    <Box
      ref={host}
      data-testid="terminal"
      style={{ height: "100%", width: "100%", padding: 8, background: TERMINAL_THEME.background, borderRadius: 8 }}
    />
  );
}
