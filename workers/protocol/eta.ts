/**
 * The one ETA estimator (folder run, video processing): the mean time per finished item of this run times the
 * items left, so a slow first item is averaged out. Null until one item is done; 0 once all are.
 */
export function estimateEta(elapsedWorkMs: number, done: number, remaining: number): number | null {
  if (done <= 0) return null;
  if (remaining <= 0) return 0;
  return (elapsedWorkMs / done) * remaining;
}
