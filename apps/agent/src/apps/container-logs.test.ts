import { describe, expect, it } from "vitest";
import { demultiplex, lastLines } from "./container-logs";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("demultiplex", () => {
  it("joins stdout and stderr frames in the order the engine sent them", () => {
    const raw = Buffer.concat([frame(1, "starting\n"), frame(2, "fatal: no database\n"), frame(1, "bye\n")]);
    expect(demultiplex(raw).toString()).toBe("starting\nfatal: no database\nbye\n");
  });

  it("keeps a truncated last frame's bytes", () => {
    const whole = frame(1, "complete line\n");
    expect(demultiplex(whole.subarray(0, whole.length - 3)).toString()).toBe("complete li");
  });

  it("passes a TTY stream (no frame headers) through unchanged", () => {
    expect(demultiplex(Buffer.from("plain output\n")).toString()).toBe("plain output\n");
  });
});

describe("lastLines", () => {
  it("returns the last lines without the final newline or carriage returns", () => {
    expect(lastLines("a\r\nb\nc\n", 2)).toEqual(["b", "c"]);
    expect(lastLines("a\nb", 5)).toEqual(["a", "b"]);
    expect(lastLines("", 5)).toEqual([]);
  });
});
