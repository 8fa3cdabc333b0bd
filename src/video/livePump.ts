/**
 * The live-mode policy: the newest frame is the one processed, frames are dropped (never queued) while a request
 * is in flight, so at most one `processFrame` is outstanding and latency stays bounded by one processing time.
 * Pure over injected functions (capture, process, clock): Node tests drive it with fakes.
 */

export interface PumpFrame<F> {
  /** Sequence number of the frame sent (0, 1, 2, … over sent frames only). */
  seq: number;
  /** Clock time at capture (ms). */
  capturedAtMs: number;
  frame: F;
}

export interface LivePumpDeps<F, R> {
  /** Grabs the camera's current (newest) frame, or null when there is none yet. */
  capture(): Promise<F | null> | F | null;
  process(frame: PumpFrame<F>): Promise<R>;
  onResult(result: R, frame: PumpFrame<F>, latencyMs: number): void;
  onError(err: unknown): void;
  /** Frees a captured frame that will not be sent (e.g. the pump stopped while capturing). */
  release?(frame: F): void;
  now(): number;
}

export interface PumpStats {
  /** Camera frames offered to the pump. */
  offered: number;
  /** Frames sent to the engine. */
  sent: number;
  /** Frames skipped because a request was in flight. */
  dropped: number;
  completed: number;
  inFlight: number;
  maxInFlight: number;
}

export class LivePump<F, R> {
  private stats: PumpStats = { offered: 0, sent: 0, dropped: 0, completed: 0, inFlight: 0, maxInFlight: 0 };
  private busy = false;
  private stopped = false;

  constructor(private readonly deps: LivePumpDeps<F, R>) {}

  getStats(): PumpStats {
    return { ...this.stats };
  }

  get idle(): boolean {
    return !this.busy;
  }

  stop(): void {
    this.stopped = true;
  }

  /** A new camera frame is available. Sends it when the engine is idle, otherwise drops it. */
  offer(): void {
    if (this.stopped) return;
    this.stats.offered++;
    if (this.busy) {
      this.stats.dropped++;
      return;
    }
    this.busy = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      const captured = await this.deps.capture();
      if (captured === null) return;
      if (this.stopped) {
        this.deps.release?.(captured);
        return;
      }
      const frame: PumpFrame<F> = { seq: this.stats.sent, capturedAtMs: this.deps.now(), frame: captured };
      this.stats.sent++;
      this.stats.inFlight++;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
      let result: R;
      try {
        result = await this.deps.process(frame);
      } finally {
        this.stats.inFlight--;
      }
      this.stats.completed++;
      if (!this.stopped) this.deps.onResult(result, frame, this.deps.now() - frame.capturedAtMs);
    } catch (err) {
      if (!this.stopped) this.deps.onError(err);
    } finally {
      this.busy = false;
    }
  }
}
