// Splits the engine's multiplexed output (a non-TTY container's logs or exec) into its stdout and
// stderr payloads. Each frame is an 8-byte header (stream type, 3 zero bytes, big-endian length)
// and its payload; one log line is one frame. dockerode's `demuxStream` copies the whole rest of
// its buffer after every frame (quadratic in the frames per chunk: at 100,000 lines/s it alone
// took a full core), so this reads each chunk once, copying only a frame split across chunks.

const HEADER_BYTES = 8;
const STDERR = 2;

export type FrameHandler = (err: boolean, payload: Buffer) => void;

export class FrameDemuxer {
  /** The start of a frame that continues in the next chunk. */
  private partial: Buffer | null = null;

  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    let buffer = chunk;
    if (this.partial) {
      buffer = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    let at = 0;
    while (buffer.length - at >= HEADER_BYTES) {
      const length = buffer.readUInt32BE(at + 4);
      const start = at + HEADER_BYTES;
      if (buffer.length - start < length) break;
      this.onFrame(buffer[at] === STDERR, buffer.subarray(start, start + length));
      at = start + length;
    }
    // Kept as a copy: the engine's chunk would otherwise stay alive for one split frame.
    if (at < buffer.length) this.partial = Buffer.from(buffer.subarray(at));
  }

  /**
   * The stream ended: a last frame cut short (the engine stopped mid-frame, or a read was capped)
   * gives what arrived of its payload rather than nothing.
   */
  end(): void {
    const partial = this.partial;
    this.partial = null;
    if (partial && partial.length > HEADER_BYTES) this.onFrame(partial[0] === STDERR, partial.subarray(HEADER_BYTES));
  }

  /** Bytes held for a frame that has not fully arrived. */
  get pendingBytes(): number {
    return this.partial?.length ?? 0;
  }
}

/** The frames of a whole multiplexed buffer (a finished read), in order, a cut last one included. */
export function demuxAll(buffer: Buffer, onFrame: FrameHandler): void {
  const demuxer = new FrameDemuxer(onFrame);
  demuxer.push(buffer);
  demuxer.end();
}
