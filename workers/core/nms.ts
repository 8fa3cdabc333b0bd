/**
 * Greedy mask-IoU non-maximum suppression (reference.md §5 "optional mask-IoU NMS", Meta `nms_masks`;
 * exports.md §17.4 step 4; Meta video uses IoU 0.1).
 */

import { maskIou } from './masks';

/**
 * Visits items by descending score (ties: lower index first) and keeps an item unless its mask IoU with an
 * already kept item is greater than `iouThreshold`. Returns the kept indices in visiting order. Masks must
 * be binary and of equal size; thresholding by score is the caller's job.
 */
export function maskNms(items: { score: number; mask: Uint8Array }[], iouThreshold: number): number[] {
  const order = items.map((_, i) => i).sort((a, b) => items[b].score - items[a].score || a - b);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.every((k) => maskIou(items[i].mask, items[k].mask) <= iouThreshold)) kept.push(i);
  }
  return kept;
}
