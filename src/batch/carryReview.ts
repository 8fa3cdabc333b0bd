/**
 * Keeps an image's review when its detector results are replaced (an exemplar box drawn in review re-runs the
 * detector on that image): each new detection that is an old one again — the same object, matched by mask IoU —
 * takes the old one's key, its rejection and its phrase change; the fixes drawn by hand stay as they are. What did
 * not match is reported, so the caller can tell the user and take back the image's acceptance.
 */
import type { BatchAnnotation } from '../../workers/batch/types';
import { iouMatrix, segmentationToRuns } from '../../workers/eval/rle';

/** Two masks are the same object from this IoU on (SAM 3's own duplicate and association thresholds are 0.5). */
export const SAME_OBJECT_IOU = 0.5;

export interface CarriedReview {
  annotations: BatchAnnotation[];
  /** New detections that match none of the old ones. */
  added: number;
  /** Old detections, not rejected, that none of the new ones matches (they leave the export). */
  gone: number;
}

/**
 * `old`'s review carried onto `fresh` detections (same image, same size). Matching is one to one, highest IoU
 * first; at equal footing a detection of the same phrase is preferred (two phrases may find one object).
 */
export function carryReview(old: readonly BatchAnnotation[], fresh: readonly BatchAnnotation[]): CarriedReview {
  const before = old.filter((a) => a.source === 'detector');
  const fixes = old.filter((a) => a.source !== 'detector');
  const runs = (a: BatchAnnotation) => segmentationToRuns(a.rle, a.rle.size[0], a.rle.size[1]);
  const iou =
    before.length && fresh.length
      ? iouMatrix(
          fresh.map(runs),
          before.map(runs),
          before.map(() => false),
        )
      : [];
  const pairs: { n: number; o: number; rank: number }[] = [];
  iou.forEach((row, n) =>
    row.forEach((v, o) => {
      if (v >= SAME_OBJECT_IOU) pairs.push({ n, o, rank: v + (fresh[n].category === before[o].category ? 1 : 0) });
    }),
  );
  pairs.sort((a, b) => b.rank - a.rank);
  const oldOf = new Map<number, number>();
  const usedOld = new Set<number>();
  for (const { n, o } of pairs) {
    if (oldOf.has(n) || usedOld.has(o)) continue;
    oldOf.set(n, o);
    usedOld.add(o);
  }
  const taken = new Set(old.map((a) => a.key));
  let next = 0;
  const freshKey = () => {
    while (taken.has(`d${next}`)) next++;
    taken.add(`d${next}`);
    return `d${next}`;
  };
  const annotations = fresh.map((a, n): BatchAnnotation => {
    const o = oldOf.get(n);
    if (o === undefined) return { ...a, key: freshKey() };
    const was = before[o];
    return { ...a, key: was.key, category: was.category, ...(was.rejected ? { rejected: true } : {}) };
  });
  return {
    annotations: [...annotations, ...fixes],
    added: fresh.length - oldOf.size,
    gone: before.filter((a, o) => !usedOld.has(o) && !a.rejected).length,
  };
}
