/**
 * Masks for evaluation as pycocotools holds them: uncompressed column-major run lengths (alternating 0- and
 * 1-runs, starting with a possibly empty 0-run) over an `h × w` image. Every COCO segmentation form is accepted
 * (compressed RLE, uncompressed RLE, polygons), and IoU is computed on the runs without decoding, with
 * pycocotools' crowd rule (a crowd region's IoU is intersection over the prediction's area).
 */
import { cocoStringToCounts } from '../core/rle';

export interface Runs {
  h: number;
  w: number;
  /** Column-major alternating runs, starting with a 0-run. */
  counts: number[];
}

export type CocoSegmentation =
  number[][] | { size: [number, number]; counts: string } | { size: [number, number]; counts: number[] };

/** Any COCO segmentation → runs on an `h × w` image (pycocotools `annToRLE`: polygons are merged by union). */
export function segmentationToRuns(seg: CocoSegmentation, h: number, w: number): Runs {
  if (Array.isArray(seg)) {
    const parts = seg.map((poly) => polygonToRuns(poly, h, w));
    if (parts.length === 0) return { h, w, counts: [h * w] };
    return parts.reduce((acc, p) => mergeRuns(acc, p, 'union'));
  }
  if (!seg || !Array.isArray(seg.size) || seg.size.length !== 2) throw new TypeError('segmentation has no [h, w] size');
  const [sh, sw] = seg.size;
  const counts = typeof seg.counts === 'string' ? cocoStringToCounts(seg.counts) : [...seg.counts];
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== sh * sw) throw new RangeError(`RLE covers ${total} pixels, its size says ${sh}×${sw}`);
  return { h: sh, w: sw, counts };
}

/** Set pixels. */
export function runsArea(r: Runs): number {
  let a = 0;
  for (let k = 1; k < r.counts.length; k += 2) a += r.counts[k];
  return a;
}

/** Intersection and union (or the first mask's area when `crowd`: pycocotools' rule for crowd regions). */
export function runsIou(dt: Runs, gt: Runs, crowd: boolean): number {
  if (dt.h !== gt.h || dt.w !== gt.w) {
    throw new RangeError(`mask sizes differ: ${dt.w}×${dt.h} vs ${gt.w}×${gt.h}`);
  }
  const { inter, union } = overlap(dt.counts, gt.counts);
  if (inter === 0) return 0;
  return inter / (crowd ? runsArea(dt) : union);
}

/** IoU matrix `[dt][gt]`. */
export function iouMatrix(dts: Runs[], gts: Runs[], crowd: boolean[]): number[][] {
  return dts.map((d) => gts.map((g, j) => runsIou(d, g, crowd[j])));
}

function overlap(a: number[], b: number[]): { inter: number; union: number } {
  let ia = 0,
    ib = 0,
    ra = a[0] ?? 0,
    rb = b[0] ?? 0,
    va = false,
    vb = false,
    inter = 0,
    union = 0;
  for (;;) {
    // Skip exhausted runs.
    while (ra === 0 && ia < a.length - 1) {
      ra = a[++ia];
      va = !va;
    }
    while (rb === 0 && ib < b.length - 1) {
      rb = b[++ib];
      vb = !vb;
    }
    if (ra === 0 || rb === 0) break;
    const n = Math.min(ra, rb);
    if (va || vb) union += n;
    if (va && vb) inter += n;
    ra -= n;
    rb -= n;
  }
  return { inter, union };
}

/** Pixel-wise union or intersection of two masks of the same size. */
export function mergeRuns(a: Runs, b: Runs, op: 'union' | 'intersection'): Runs {
  const out: number[] = [];
  let value = false,
    length = 0;
  const push = (bit: boolean, n: number) => {
    if (n === 0) return;
    if (bit !== value) {
      out.push(length);
      value = bit;
      length = 0;
    }
    length += n;
  };
  let ia = 0,
    ib = 0,
    ra = a.counts[0] ?? 0,
    rb = b.counts[0] ?? 0,
    va = false,
    vb = false;
  for (;;) {
    while (ra === 0 && ia < a.counts.length - 1) {
      ra = a.counts[++ia];
      va = !va;
    }
    while (rb === 0 && ib < b.counts.length - 1) {
      rb = b.counts[++ib];
      vb = !vb;
    }
    if (ra === 0 || rb === 0) break;
    const n = Math.min(ra, rb);
    push(op === 'union' ? va || vb : va && vb, n);
    ra -= n;
    rb -= n;
  }
  out.push(length);
  return { h: a.h, w: a.w, counts: out };
}

/**
 * A polygon [x0, y0, x1, y1, …] in COCO's pixel-edge coordinates → runs, exactly as pycocotools rasterises it
 * (`rleFrPoly`): the outline is traced at 5× resolution with rounded integer steps, the places where it crosses a
 * pixel-centre column are kept (y rounded up to the next pixel centre), and sorting those crossings by
 * column-major index turns them into alternating runs. Reproducing its rounding keeps AP equal to pycocotools'.
 */
export function polygonToRuns(xy: readonly number[], h: number, w: number): Runs {
  const scale = 5;
  const k = Math.floor(xy.length / 2);
  const x: number[] = [];
  const y: number[] = [];
  for (let j = 0; j < k; j++) {
    x.push(Math.trunc(scale * xy[2 * j] + 0.5));
    y.push(Math.trunc(scale * xy[2 * j + 1] + 0.5));
  }
  x.push(x[0]);
  y.push(y[0]);
  // Dense points along every edge at the upsampled resolution.
  const u: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j],
      xe = x[j + 1],
      ys = y[j],
      ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    if (dx >= dy) {
      const s = dx === 0 ? 0 : (ye - ys) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(Math.trunc(ys + s * t + 0.5));
      }
    } else {
      const s = (xe - xs) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(Math.trunc(xs + s * t + 0.5));
      }
    }
  }
  // Crossings of pixel-centre columns, back at pixel resolution.
  const starts: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / scale - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    starts.push(xd * h + yd);
  }
  starts.push(h * w);
  starts.sort((a, b) => a - b);
  // Differences between consecutive crossings are the runs; empty runs fold into their neighbours.
  const diffs: number[] = [];
  let prev = 0;
  for (const s of starts) {
    diffs.push(s - prev);
    prev = s;
  }
  const counts: number[] = [diffs[0]];
  for (let j = 1; j < diffs.length;) {
    if (diffs[j] > 0) counts.push(diffs[j++]);
    else {
      j++;
      if (j < diffs.length) counts[counts.length - 1] += diffs[j++];
    }
  }
  return { h, w, counts };
}
