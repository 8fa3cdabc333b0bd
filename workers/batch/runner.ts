/**
 * Runs a job over a list of images one at a time, with pause and resume between images, cancel, progress and an
 * ETA. The work per image (label it, store the result) is the caller's: the app reads files from IndexedDB and
 * writes results back; the CLI reads files from disk and appends to its output. Nothing is held between images.
 *
 * Cancel is the engine's one cancel path: the runner's signal is handed to the image's work, which passes it to its
 * engine calls, so a cancel stops the current image after the graph running (its result is dropped and nothing of
 * it is stored: it stays pending, like the images after it).
 */
import { isCancelled } from '../protocol/cancel';
import { estimateEta } from '../protocol/eta';

export { estimateEta };

export type RunnerState = 'running' | 'pausing' | 'paused' | 'cancelling' | 'cancelled' | 'done' | 'stopped';

export interface RunnerProgress {
  state: RunnerState;
  /** Images finished in this run (labelled or failed). */
  done: number;
  failed: number;
  /** Images this run set out to do. */
  total: number;
  /** The image being worked on. */
  current: string | null;
  elapsedMs: number;
  /** Estimated time left; null until one image has finished. */
  etaMs: number | null;
  imagesPerSecond: number | null;
}

export interface RunnerOptions<T> {
  items: readonly T[];
  /**
   * Does one image; a thrown error marks that image failed (see `onItemError`) and the run goes on. `signal` aborts
   * when the run is cancelled: pass it to the engine calls, and store nothing once it has.
   */
  process(item: T, signal: AbortSignal): Promise<void>;
  /** Decides whether a failure ends the run (e.g. the engine died): return true to stop. */
  isFatal?(err: unknown): boolean;
  onItemError?(item: T, err: unknown): void | Promise<void>;
  onProgress?(p: RunnerProgress): void;
  nameOf(item: T): string;
  now?(): number;
}

export interface RunnerOutcome {
  state: 'done' | 'cancelled' | 'stopped';
  done: number;
  failed: number;
  /** The fatal error when `state` is 'stopped'. */
  error?: unknown;
}

export class BatchRunner<T> {
  private state: RunnerState = 'running';
  private readonly controller = new AbortController();
  private wake: (() => void) | null = null;
  private done = 0;
  private failed = 0;
  private current: string | null = null;
  private workMs = 0;
  private readonly start: number;
  private readonly now: () => number;

  constructor(private readonly options: RunnerOptions<T>) {
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
  }

  /** Finish the current image, then wait for `resume` or `cancel`. */
  pause(): void {
    if (this.state === 'running') this.setState('pausing');
  }

  resume(): void {
    if (this.state === 'pausing' || this.state === 'paused') {
      this.setState('running');
      this.wake?.();
    }
  }

  /** Stops the current image (after the graph running) and the run; what is left stays pending (a later run resumes it). */
  cancel(): void {
    if (this.state === 'running' || this.state === 'pausing' || this.state === 'paused') {
      this.setState('cancelling');
      this.controller.abort();
      this.wake?.();
    }
  }

  get progress(): RunnerProgress {
    const total = this.options.items.length;
    const elapsedMs = this.now() - this.start;
    return {
      state: this.state,
      done: this.done,
      failed: this.failed,
      total,
      current: this.current,
      elapsedMs,
      etaMs: estimateEta(this.workMs, this.done, total - this.done),
      imagesPerSecond: this.done > 0 && this.workMs > 0 ? (1000 * this.done) / this.workMs : null,
    };
  }

  async run(): Promise<RunnerOutcome> {
    for (const item of this.options.items) {
      if (this.state === 'pausing') this.setState('paused');
      if (this.state === 'paused') await new Promise<void>((r) => (this.wake = r));
      this.wake = null;
      if (this.state === 'cancelling') return this.finish('cancelled');
      this.current = this.options.nameOf(item);
      this.emit();
      const t0 = this.now();
      try {
        await this.options.process(item, this.controller.signal);
      } catch (err) {
        if (this.controller.signal.aborted || isCancelled(err)) return this.finish('cancelled');
        this.failed++;
        await this.options.onItemError?.(item, err);
        if (this.options.isFatal?.(err)) {
          this.workMs += this.now() - t0;
          this.done++;
          return this.finish('stopped', err);
        }
      }
      this.workMs += this.now() - t0;
      this.done++;
      this.current = null;
      this.emit();
    }
    return this.finish('done');
  }

  private finish(state: RunnerOutcome['state'], error?: unknown): RunnerOutcome {
    this.current = null;
    this.setState(state);
    return { state, done: this.done, failed: this.failed, ...(error !== undefined ? { error } : {}) };
  }

  private setState(s: RunnerState): void {
    this.state = s;
    this.emit();
  }

  private emit(): void {
    this.options.onProgress?.(this.progress);
  }
}
