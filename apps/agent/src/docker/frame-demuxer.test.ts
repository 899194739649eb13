import { describe, expect, it } from "vitest";
import { FrameDemuxer } from "./frame-demuxer";

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe("FrameDemuxer", () => {
  const input = Buffer.concat([frame(1, "out one\n"), frame(2, "err one\n"), frame(1, ""), frame(1, "é out two\n")]);
  const expected = [
    [false, "out one\n"],
    [true, "err one\n"],
    [false, ""],
    [false, "é out two\n"],
  ];

  it("splits one buffer into its frames with their stream", () => {
    const seen: [boolean, string][] = [];
    new FrameDemuxer((err, payload) => seen.push([err, payload.toString()])).push(input);
    expect(seen).toEqual(expected);
  });

  it("gives the same frames however the bytes are cut into chunks, headers and UTF-8 included", () => {
    for (let size = 1; size <= input.length; size += 1) {
      const seen: [boolean, string][] = [];
      const payloads: Buffer[] = [];
      const demuxer = new FrameDemuxer((err, payload) => {
        payloads.push(payload);
        seen.push([err, ""]);
      });
      for (let at = 0; at < input.length; at += size) demuxer.push(input.subarray(at, at + size));
      expect(seen.map(([err], i) => [err, payloads[i]?.toString()])).toEqual(expected);
      expect(demuxer.pendingBytes).toBe(0);
    }
  });

  it("holds an incomplete frame until the rest arrives", () => {
    const seen: string[] = [];
    const demuxer = new FrameDemuxer((_err, payload) => seen.push(payload.toString()));
    const one = frame(1, "abc\n");
    demuxer.push(one.subarray(0, 10));
    expect(seen).toEqual([]);
    expect(demuxer.pendingBytes).toBe(10);
    demuxer.push(one.subarray(10));
    expect(seen).toEqual(["abc\n"]);
  });

  it("gives what arrived of a last frame cut short when the stream ends", () => {
    const seen: string[] = [];
    const demuxer = new FrameDemuxer((_err, payload) => seen.push(payload.toString()));
    demuxer.push(frame(1, "whole\n"));
    demuxer.push(frame(2, "cut short\n").subarray(0, 12));
    demuxer.end();
    expect(seen).toEqual(["whole\n", "cut "]);
    expect(demuxer.pendingBytes).toBe(0);
  });
});
