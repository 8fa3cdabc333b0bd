/**
 * Detector post-processing of the raw heads (reference.md §5 score rule; exports.md §17.4 steps 1–2).
 */

import { cxcywhToXyxy, xyxyNormToPx, type Box4 } from './boxes';

/** Logistic function, written to avoid overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Per-query scores `σ(pred_logit) · σ(presence_logit)` (reference.md §5 "score rule, identical everywhere");
 * `σ(pred_logit)` alone when the pack has no presence output (`presenceLogit === null`).
 */
export function scoreQueries(predLogits: Float32Array, presenceLogit: number | null): Float32Array {
  const presence = presenceLogit === null ? 1 : sigmoid(presenceLogit);
  const out = new Float32Array(predLogits.length);
  for (let i = 0; i < predLogits.length; i++) out[i] = sigmoid(predLogits[i]) * presence;
  return out;
}

/**
 * Indices of queries with `score > threshold` (strict, exports.md §17.4 step 1), by descending score, ties by
 * ascending index.
 */
export function keptQueries(scores: Float32Array, threshold: number): number[] {
  const kept: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > threshold) kept.push(i);
  kept.sort((a, b) => scores[b] - scores[a] || a - b);
  return kept;
}

/**
 * Box of one query (`pred_boxes` `[1, Q, 4]` data, normalized) as xyxy original-image pixels, clipped
 * (exports.md §17.4 step 2; HF/usls output xyxy, Meta raw cxcywh).
 */
export function queryBoxXyxyPx(
  predBoxes: Float32Array,
  query: number,
  layout: 'xyxy-norm' | 'cxcywh-norm',
  W: number,
  H: number,
): Box4 {
  const o = query * 4;
  if (query < 0 || o + 4 > predBoxes.length) throw new RangeError(`query ${query} outside pred_boxes`);
  const raw: Box4 = [predBoxes[o], predBoxes[o + 1], predBoxes[o + 2], predBoxes[o + 3]];
  return xyxyNormToPx(layout === 'cxcywh-norm' ? cxcywhToXyxy(raw) : raw, W, H);
}
