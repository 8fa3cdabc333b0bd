/** Graph runs by role, counted where they happen; requests report how many each one caused. */
export type GraphRunCounts = Record<string, number>;

export class GraphRuns {
  /** `memory` counts the three memory graphs together; `memoryDecoder`, `memoryAttention`, `memoryEncoder` each. */
  private readonly counts: GraphRunCounts = {
    vision: 0,
    text: 0,
    detector: 0,
    tracker: 0,
    trackerVision: 0,
    memory: 0,
  };

  count(role: keyof GraphRunCounts): void {
    this.counts[role] = (this.counts[role] ?? 0) + 1;
  }

  snapshot(): GraphRunCounts {
    return { ...this.counts };
  }

  /** Runs by role since a snapshot. */
  since(before: GraphRunCounts): GraphRunCounts {
    return Object.fromEntries(Object.entries(this.counts).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  }
}
