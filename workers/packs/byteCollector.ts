/**
 * Gathers a file's bytes as they stream in. With a known size it allocates once (no copy at the end);
 * otherwise it grows by doubling and trims at the end.
 */
export class ByteCollector {
  private buffer: Uint8Array;
  private used = 0;

  constructor(private readonly exactSize: number | null) {
    this.buffer = new Uint8Array(exactSize ?? 1 << 20);
  }

  get length(): number {
    return this.used;
  }

  push(chunk: Uint8Array): void {
    const needed = this.used + chunk.byteLength;
    if (needed > this.buffer.byteLength) {
      if (this.exactSize !== null) throw new RangeError(`more than the expected ${this.exactSize} bytes`);
      let capacity = this.buffer.byteLength * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.used);
    this.used = needed;
  }

  /** A view (not a copy) of bytes [from, to). Valid until the next push. */
  view(from: number, to: number = this.used): Uint8Array {
    return this.buffer.subarray(from, to);
  }

  reset(): void {
    this.used = 0;
  }

  /** The collected bytes (the buffer itself when it is exactly full). */
  bytes(): Uint8Array {
    return this.used === this.buffer.byteLength ? this.buffer : this.buffer.slice(0, this.used);
  }
}
