// Every session is recorded as asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a
// header line, then one JSON array per output chunk, [seconds since start, "o", text], and one per
// resize, [t, "r", "COLSxROWS"]. Input is not recorded: what a person types with echo off
// (passwords) must not end up in a file; what the shell echoes is in the output.
// Output is decoded as UTF-8 with a streaming decoder, so a character split across chunks is
// written whole. The file is capped: past the limit one last line says so and recording stops.
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname, join } from "node:path";
import type { TerminalSize } from "@wheelhouse/shared";

export const RECORDINGS_DIR = "recordings";
const TRUNCATED_NOTE = "\r\n[Wheelhouse: the recording stopped here because it reached its size limit]\r\n";

export interface RecordingHeader {
  size: TerminalSize;
  startedAt: Date;
  title: string;
  command: string[];
}

/** The recording of one session, relative to DATA_DIR (what the database stores). */
export function recordingPathFor(sessionId: string, startedAt: Date): string {
  const month = startedAt.toISOString().slice(0, 7);
  return join(RECORDINGS_DIR, month, `${sessionId}.cast`);
}

export class Recorder {
  private readonly file: WriteStream;
  private readonly decoder = new TextDecoder("utf-8");
  private readonly started: number;
  private written = 0;
  truncated = false;
  private closed = false;

  constructor(
    absolutePath: string,
    header: RecordingHeader,
    private readonly maxBytes: number,
    private readonly onError: (error: Error) => void,
  ) {
    mkdirSync(dirname(absolutePath), { recursive: true, mode: 0o700 });
    this.file = createWriteStream(absolutePath, { mode: 0o600 });
    this.file.on("error", (error) => this.onError(error));
    this.started = header.startedAt.getTime();
    this.line(
      JSON.stringify({
        version: 2,
        width: header.size.cols,
        height: header.size.rows,
        timestamp: Math.floor(this.started / 1000),
        title: header.title,
        command: header.command.join(" "),
        env: { TERM: "xterm-256color" },
      }),
    );
  }

  get bytes(): number {
    return this.written;
  }

  private elapsed(): number {
    return Number(((Date.now() - this.started) / 1000).toFixed(6));
  }

  private line(text: string): boolean {
    if (this.closed || this.truncated) return false;
    const bytes = Buffer.byteLength(text) + 1;
    if (this.written > 0 && this.written + bytes > this.maxBytes) {
      this.truncated = true;
      const note = `${JSON.stringify([this.elapsed(), "o", TRUNCATED_NOTE])}\n`;
      this.written += Buffer.byteLength(note);
      this.file.write(note);
      return false;
    }
    this.written += bytes;
    this.file.write(`${text}\n`);
    return true;
  }

  output(chunk: Buffer): void {
    if (this.closed || this.truncated) return;
    const text = this.decoder.decode(chunk, { stream: true });
    if (text.length > 0) this.line(JSON.stringify([this.elapsed(), "o", text]));
  }

  resize(size: TerminalSize): void {
    this.line(JSON.stringify([this.elapsed(), "r", `${size.cols}x${size.rows}`]));
  }

  /** Flushes what the decoder holds and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    const rest = this.decoder.decode();
    if (rest.length > 0) this.line(JSON.stringify([this.elapsed(), "o", rest]));
    this.closed = true;
    // "close" follows both a finished write and an error (already reported through onError).
    const closed = new Promise<void>((resolve) => this.file.once("close", () => resolve()));
    this.file.end();
    await closed;
  }
}
