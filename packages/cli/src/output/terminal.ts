// Where the CLI writes: results on stdout, progress and errors on stderr. Colour only when the
// stream is a terminal and NO_COLOR is unset, so pipes and CI logs get plain text.
import type { DeploymentStatus } from "@wheelhouse/shared";

export interface Terminal {
  out(text: string): void;
  err(text: string): void;
  /** Bytes as they are (a command's own output: `wheelhouse exec`). */
  outBytes(bytes: Uint8Array): void;
  errBytes(bytes: Uint8Array): void;
  /** Colour for stdout text. */
  paint: Painter;
  /** Colour for stderr text. */
  paintErr: Painter;
}

export type Tone = "good" | "bad" | "busy" | "muted";

export type Painter = (text: string, tone: Tone) => string;

const TONE_CODES: Record<Tone, [open: number, close: number]> = {
  good: [32, 39],
  bad: [31, 39],
  busy: [33, 39],
  muted: [2, 22],
};

export const plain: Painter = (text) => text;

const coloured: Painter = (text, tone) => {
  const [open, close] = TONE_CODES[tone];
  return `\u001b[${open}m${text}\u001b[${close}m`;
};

/** One tone per status, the same everywhere in the CLI (as in the portal). */
export function statusTone(status: DeploymentStatus | string): Tone {
  if (status === "Live" || status === "Healthy") return "good";
  if (status === "Failed" || status === "Unhealthy") return "bad";
  if (status === "Superseded" || status === "Stopped" || status === "NotDeployed") return "muted";
  return "busy";
}

interface Stream {
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
}

export function createTerminal(stdout: Stream, stderr: Stream, noColor: boolean): Terminal {
  return {
    out: (text) => stdout.write(text),
    err: (text) => stderr.write(text),
    outBytes: (bytes) => stdout.write(bytes),
    errBytes: (bytes) => stderr.write(bytes),
    paint: stdout.isTTY && !noColor ? coloured : plain,
    paintErr: stderr.isTTY && !noColor ? coloured : plain,
  };
}

/** `--json`: exactly the payload, nothing else on stdout. */
export function printJson(terminal: Terminal, value: unknown): void {
  terminal.out(`${JSON.stringify(value, null, 2)}\n`);
}
