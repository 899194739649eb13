// Turns chunks of a container's output into lines. With `timestamps` the engine starts every line
// with its RFC 3339 time and a space; a TTY's lines end in \r\n.
import { LOG_LINE_MAX_CHARS, normaliseTimestamp } from "@wheelhouse/shared";
import type { RawLine } from "./log-source";

/** Splits "TIMESTAMP TEXT" (as the engine writes it with timestamps=1). A line without a time gets `fallbackTs`. */
export function splitTimestamp(line: string, fallbackTs: string): { ts: string; text: string } {
  const space = line.indexOf(" ");
  const ts = space > 0 ? normaliseTimestamp(line.slice(0, space)) : null;
  if (ts === null) return { ts: fallbackTs, text: line };
  return { ts, text: line.slice(space + 1) };
}

export function capLine(text: string): string {
  return text.length > LOG_LINE_MAX_CHARS
    ? `${text.slice(0, LOG_LINE_MAX_CHARS)} …[cut ${text.length - LOG_LINE_MAX_CHARS} chars]`
    : text;
}

/** Accumulates chunks and calls `emit` per complete line; `flush` emits a last unterminated line. */
export class LineSplitter {
  private rest = "";
  private lastTs = "";

  constructor(
    private readonly err: boolean,
    private readonly emit: (line: RawLine) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === "string" ? chunk : chunk.toString("utf8"));
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end < 0) break;
      this.line(text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end));
      start = end + 1;
    }
    this.rest = text.slice(start);
    // A runaway line without a newline must not grow the buffer forever.
    if (this.rest.length > LOG_LINE_MAX_CHARS * 4) {
      this.line(this.rest);
      this.rest = "";
    }
  }

  flush(): void {
    if (this.rest) this.line(this.rest);
    this.rest = "";
  }

  private line(raw: string): void {
    const { ts, text } = splitTimestamp(raw, this.lastTs || `${new Date().toISOString().slice(0, 23)}000000Z`);
    this.lastTs = ts;
    this.emit({ ts, text: capLine(text), err: this.err });
  }
}
