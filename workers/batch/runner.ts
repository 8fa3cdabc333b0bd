/**
 * Runs a job over a list of images one at a time, with pause, resume and cancel between images, progress and an
 * ETA. The work per image (label it, store the result) is the caller's: the app reads files from IndexedDB and
 * writes results back; the CLI reads files from disk and appends to its output. Nothing is held between images.
 */

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
  /** Does one image; a thrown error marks that image failed (see `onItemError`) and the run goes on. */
  process(item: T): Promise<void>;
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

/** ETA from the mean time per finished image of this run (measured, so a slow first image is averaged out). */
export function estimateEta(elapsedWorkMs: number, done: number, remaining: number): number | null {
  if (done === 0) return null;
  return (elapsedWorkMs / done) * remaining;
}

export class BatchRunner<T> {
  private state: RunnerState = 'running';
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

  /** Finish the current image and stop; what is left stays pending (a later run resumes it). */
  cancel(): void {
    if (this.state === 'running' || this.state === 'pausing' || this.state === 'paused') {
      this.setState('cancelling');
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
        await this.options.process(item);
      } catch (err) {
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
