/**
 * A bounded async queue between the decoder (producer) and the engine loop (consumer): `put` waits while the
 * queue is full, so decoding runs at most `capacity` frames ahead and memory stays bounded; `take` waits while it
 * is empty. `close` ends the stream after the queued items; `fail` ends it with an error after them; `cancel`
 * drops what is queued (each item through `discard`) and wakes everyone. Pure: Node tests drive it.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((r: IteratorResult<T>) => void)[] = [];
  private readonly putters: (() => void)[] = [];
  private ended = false;
  private error: unknown = null;
  private cancelled = false;
  /** Most items ever queued at once (the bench and tests read it). */
  maxDepth = 0;

  constructor(
    readonly capacity: number,
    private readonly discard: (item: T) => void = () => {},
  ) {
    if (capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  get depth(): number {
    return this.items.length;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** Queues an item; resolves once there is room. Returns false (and discards the item) after a cancel. */
  async put(item: T): Promise<boolean> {
    while (!this.cancelled && this.items.length >= this.capacity) await new Promise<void>((r) => this.putters.push(r));
    if (this.cancelled || this.ended) {
      this.discard(item);
      return false;
    }
    const taker = this.takers.shift();
    if (taker) taker({ value: item, done: false });
    else {
      this.items.push(item);
      this.maxDepth = Math.max(this.maxDepth, this.items.length);
    }
    return true;
  }

  /** The next item; `done` once the queue is closed and empty. Throws the producer's error after the items. */
  async take(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.putters.shift()?.();
      return { value: item, done: false };
    }
    if (this.error !== null) throw this.error;
    if (this.ended || this.cancelled) return { value: undefined, done: true };
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.ended = true;
    for (const t of this.takers.splice(0)) t({ value: undefined, done: true });
  }

  fail(error: unknown): void {
    this.error = error;
    this.ended = true;
    for (const t of this.takers.splice(0)) t(Promise.reject(error) as unknown as IteratorResult<T>);
  }

  cancel(): void {
    this.cancelled = true;
    for (const item of this.items.splice(0)) this.discard(item);
    for (const p of this.putters.splice(0)) p();
    for (const t of this.takers.splice(0)) t({ value: undefined, done: true });
  }
}
