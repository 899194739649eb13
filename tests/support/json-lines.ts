// Collects a child process's JSON log lines (pino) as they arrive, whatever the chunking.
import type { Readable } from "node:stream";

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Appends every complete JSON line of `stream` to `into`; other lines (a library's prose) are skipped. */
export function collectJsonLines(stream: Readable | null, into: LogLine[]): void {
  let pending = "";
  stream?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      try {
        into.push(JSON.parse(line) as LogLine);
      } catch {
        // A line that only looks like JSON: not one of ours.
      }
    }
  });
}
