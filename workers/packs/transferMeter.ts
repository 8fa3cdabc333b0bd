/**
 * Throughput over a sliding window and throttling of progress events, for one download.
 * Time comes from an injectable clock so tests can drive it.
 */
export interface TransferSnapshot {
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export class TransferMeter {
  private readonly samples: { t: number; loaded: number }[] = [];
  private lastEmit = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs = 5000,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records that `loaded` bytes are in; returns a snapshot when an event is due (or `force`), else null. */
  record(loaded: number, total: number, force = false): TransferSnapshot | null {
    const t = this.now();
    this.samples.push({ t, loaded });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    if (!force && t - this.lastEmit < this.intervalMs) return null;
    this.lastEmit = t;
    return this.snapshot(loaded, total);
  }

  private snapshot(loaded: number, total: number): TransferSnapshot {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.t - first.t) / 1000;
    const bytesPerSecond = seconds > 0 ? Math.max(0, (last.loaded - first.loaded) / seconds) : 0;
    const etaSeconds =
      total > 0 && bytesPerSecond > 0
        ? Math.max(0, (total - loaded) / bytesPerSecond)
        : total > 0 && loaded >= total
          ? 0
          : null;
    return { bytesPerSecond, etaSeconds };
  }
}
