// A container's output as lines. Without a TTY the engine multiplexes stdout and stderr into frames:
// an 8-byte header (stream type, 3 zero bytes, big-endian payload length) followed by the payload.

import { demuxAll } from "../docker/frame-demuxer";

const HEADER_BYTES = 8;

/** True when `buffer` starts like a multiplexed frame (stream 0, 1 or 2, then three zero bytes). */
function looksMultiplexed(buffer: Buffer): boolean {
  if (buffer.length < HEADER_BYTES) return false;
  const stream = buffer.readUInt8(0);
  return stream <= 2 && buffer.readUInt8(1) === 0 && buffer.readUInt8(2) === 0 && buffer.readUInt8(3) === 0;
}

/** The payloads of every frame, in order (stdout and stderr interleaved as the engine wrote them). A TTY stream is returned as it is. */
export function demultiplex(buffer: Buffer): Buffer {
  if (!looksMultiplexed(buffer)) return buffer;
  const payloads: Buffer[] = [];
  demuxAll(buffer, (_err, payload) => payloads.push(payload));
  return Buffer.concat(payloads);
}

/** The last `count` lines of `text`, without the final newline and without carriage returns at line ends. */
export function lastLines(text: string, count: number): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r?\n$/, "").split("\n");
  return lines.slice(-count).map((line) => line.replace(/\r$/, ""));
}
