// Standard input for the commands that take a secret from it (`registries add --password-stdin`),
// so a password never has to be an argument, which other users see in `ps` and the shell keeps in
// its history. Bounded: a pipe of something that is not a password stops with a sentence.
import type { StdinReader } from "./context";
import { UsageError } from "./errors";

export interface StdinSource extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean;
}

export function stdinReader(open: (() => StdinSource) | undefined): StdinReader {
  return {
    isTTY: () => open?.().isTTY === true,
    async readAll(maxBytes) {
      const source = open?.();
      if (!source) return "";
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of source) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
        size += bytes.length;
        if (size > maxBytes) throw new UsageError(`standard input holds more than ${maxBytes} bytes.`);
        chunks.push(bytes);
      }
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
