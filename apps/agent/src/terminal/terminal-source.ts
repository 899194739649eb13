// What a terminal session reads from and writes to: a Docker exec with a TTY (container-exec.ts) or
// a pty on the host (host-pty.ts). Bytes in, bytes out; pause/resume are the flow-control levers.
import type { TerminalSize } from "@wheelhouse/shared";

export interface TerminalSource {
  /** What runs, as an argument list. */
  readonly command: string[];
  write(data: Buffer): void;
  resize(size: TerminalSize): void;
  /** Stops reading output (the process blocks once the pty's buffer fills). */
  pause(): void;
  resume(): void;
  /** Ends the process; onExit follows. */
  close(): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once. exitCode is null when it could not be learnt (killed, engine gone). */
  onExit(listener: (exitCode: number | null, message?: string) => void): void;
}

/** Calls each listener at most once, whoever reports the end first. */
export class ExitOnce {
  private listener: ((exitCode: number | null, message?: string) => void) | undefined;
  private pending: { exitCode: number | null; message: string | undefined } | undefined;
  private done = false;

  set(listener: (exitCode: number | null, message?: string) => void): void {
    this.listener = listener;
    if (this.pending) listener(this.pending.exitCode, this.pending.message);
  }

  fire(exitCode: number | null, message?: string): void {
    if (this.done) return;
    this.done = true;
    if (this.listener) this.listener(exitCode, message);
    else this.pending = { exitCode, message };
  }

  get fired(): boolean {
    return this.done;
  }
}
