/**
 * One request's graph runs as progress events, in the order they run: `graph-start` before a graph, `graph-done`
 * after it. The total is the plan made from the caches when the request starts (`FeatureCache.plan`); should a graph
 * run that the plan did not foresee (a cache entry evicted meanwhile), the total grows with it, so "k of n" never
 * reads k > n.
 */
import type { GraphProgressCallback, GraphProgressEvent, GraphStep } from '../protocol/progress';

export class GraphProgress {
  private index = 0;

  constructor(
    private total: number,
    private readonly emit: GraphProgressCallback,
    private readonly now: () => number,
  ) {}

  /** Runs one graph step between its start and done events (no done event when it throws). */
  async run<T>(graph: GraphStep, phrase: string | undefined, fn: () => Promise<T>): Promise<T> {
    const index = ++this.index;
    this.total = Math.max(this.total, index);
    const at = { graph, index, total: this.total, ...(phrase ? { phrase } : {}) };
    this.send({ status: 'graph-start', ...at });
    const t0 = this.now();
    const out = await fn();
    this.send({ status: 'graph-done', ...at, ms: this.now() - t0 });
    return out;
  }

  /** A listener that has gone away (the page closed its side) must not fail the request. */
  private send(event: GraphProgressEvent): void {
    try {
      const sent = this.emit(event) as unknown;
      if (sent instanceof Promise) sent.catch(() => {});
    } catch {
      // ignored: progress is informative only
    }
  }
}
