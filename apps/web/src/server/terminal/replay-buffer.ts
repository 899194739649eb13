// The last bytes of a session's output, so a reloaded page (or a second viewer) sees the screen it
// would have seen. Capped: the oldest chunks go first, and the cut is moved to the next line start
// so the replay does not begin in the middle of an escape sequence or a character.
export const REPLAY_BUFFER_BYTES = 256 * 1024;

export class ReplayBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly capacity = REPLAY_BUFFER_BYTES) {}

  get bytes(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // Copy: the chunk may be a view into a larger buffer that Socket.IO reuses.
    this.chunks.push(Buffer.from(chunk));
    this.size += chunk.length;
    if (this.size <= this.capacity) return;
    while (this.size > this.capacity && this.chunks.length > 0) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        continue;
      }
      let rest = first.subarray(excess);
      const newline = rest.indexOf(0x0a);
      if (newline >= 0 && newline < rest.length - 1) rest = rest.subarray(newline + 1);
      this.size -= first.length - rest.length;
      this.chunks[0] = rest;
    }
  }

  contents(): Buffer {
    const whole = Buffer.concat(this.chunks, this.size);
    this.chunks = whole.length > 0 ? [whole] : [];
    return whole;
  }
}
