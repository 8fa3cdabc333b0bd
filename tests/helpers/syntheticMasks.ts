/** Synthetic masks as row-major RLE, computed row by row without a bitmap (tests and the store bench). */

/** Row-major RLE counts of an axis-aligned ellipse on a w×h frame, computed row by row (no bitmap). */
export function ellipseCounts(w: number, h: number, cx: number, cy: number, rx: number, ry: number): number[] {
  const counts: number[] = [];
  let bg = 0;
  for (let y = 0; y < h; y++) {
    const dy = (y + 0.5 - cy) / ry;
    if (Math.abs(dy) >= 1) {
      bg += w;
      continue;
    }
    const half = rx * Math.sqrt(1 - dy * dy);
    const x0 = Math.max(0, Math.round(cx - half));
    const x1 = Math.min(w, Math.round(cx + half));
    if (x1 <= x0) {
      bg += w;
      continue;
    }
    counts.push(bg + x0, x1 - x0);
    bg = w - x1;
  }
  counts.push(bg);
  return counts;
}
