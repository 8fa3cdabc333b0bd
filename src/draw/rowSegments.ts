/**
 * A mask's set pixels as row segments: what the video store's COCO column-major conversion (rleCodec.ts) walks
 * instead of single pixels. Pure.
 */

/** A mask's set pixels as row segments in frame coordinates, with their bounds (`maxX` < 0 when empty). */
export interface RowSegments {
  /** Flat triples (y, x0, x1), x1 exclusive; in row order, left to right; touching segments are merged. */
  runs: number[];
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/**
 * Row segments of a row-major RLE (counts alternate 0-runs and 1-runs, starting with a 0-run) over the crop `box`
 * of a `width`-wide frame (the whole frame by default). A run that wraps past the crop's right edge is split.
 */
export function rowSegments(
  counts: ArrayLike<number>,
  width: number,
  box: readonly [number, number, number, number] = [0, 0, width, Number.MAX_SAFE_INTEGER],
): RowSegments {
  const [cx0, cy0, cx1] = box;
  const cw = cx1 - cx0;
  const out: RowSegments = { runs: [], minX: width, maxX: -1, minY: Infinity, maxY: -1 };
  const runs = out.runs;
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (i % 2 === 1 && n > 0) {
      let start = pos;
      const end = pos + n;
      while (start < end) {
        const cy = Math.floor(start / cw);
        const c0 = start - cy * cw;
        const c1 = Math.min(cw, c0 + (end - start));
        const y = cy + cy0;
        const k = runs.length;
        // A 0-run of length 0 between two 1-runs: one segment, not two touching ones.
        if (k > 0 && runs[k - 3] === y && runs[k - 1] === c0 + cx0) runs[k - 1] = c1 + cx0;
        else runs.push(y, c0 + cx0, c1 + cx0);
        out.minX = Math.min(out.minX, c0 + cx0);
        out.maxX = Math.max(out.maxX, c1 + cx0 - 1);
        out.minY = Math.min(out.minY, y);
        out.maxY = Math.max(out.maxY, y);
        start += c1 - c0;
      }
    }
    pos += n;
  }
  return out;
}
