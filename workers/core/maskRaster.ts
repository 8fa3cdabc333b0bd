/**
 * Thresholded bilinear upsampling of a low-resolution mask straight to row segments, cropped to where the mask can
 * be set. Bit-identical to `upsampleMaskLogits` (masks.ts: PyTorch's half-pixel-centre bilinear, horizontal pass
 * rounded to float32, then vertical blend, `> threshold`) but without materialising the output image:
 *
 * - only output rows and columns whose taps touch a source sample above the threshold are visited;
 * - inside one source interval (the output pixels between two source columns) the value is a blend of four
 *   source samples. When all four are clearly above (or clearly at or below) the threshold, every pixel of the
 *   interval is set (or unset) — rounding is monotone, so the float32 path cannot cross the threshold — and the
 *   whole interval becomes one run. Only intervals whose corners straddle the threshold (the mask's boundary)
 *   are evaluated pixel by pixel, with exactly the reference's arithmetic.
 *
 * So the cost per output row is the crop's width in SOURCE samples plus the boundary pixels, not the output width:
 * a 288² mask rendered at 4032×3024 costs about what it costs at 288².
 */
import { linearTaps, maskLogitsView, type LinearTaps } from './masks';

export type Box4i = [number, number, number, number];

/** A binary mask as row segments `[y, x0, x1)` in row order, x ascending within a row. */
export interface MaskSegments {
  width: number;
  height: number;
  /** Flat triples (y, x0, x1). */
  segments: Int32Array;
  count: number;
  area: number;
  /** Tight box `[x0, y0, x1, y1)` of the set pixels; null when none is set. */
  box: Box4i | null;
}

interface TapRanges extends LinearTaps {
  /** For each source index j: the first and one-past-last output index whose lower tap is j. */
  first: Int32Array;
  end: Int32Array;
}

const tapCache = new Map<string, TapRanges>();

function tapRanges(inSize: number, outSize: number): TapRanges {
  const key = `${inSize}>${outSize}`;
  let hit = tapCache.get(key);
  if (!hit) {
    const taps = linearTaps(inSize, outSize);
    const first = new Int32Array(inSize).fill(-1);
    const end = new Int32Array(inSize).fill(-1);
    for (let i = 0; i < outSize; i++) {
      const j = taps.i0[i];
      if (first[j] < 0) first[j] = i;
      end[j] = i + 1;
    }
    hit = { ...taps, first, end };
    if (tapCache.size > 64) tapCache.clear();
    tapCache.set(key, hit);
  }
  return hit;
}

/**
 * Which blends of source samples are decided without evaluating them. With threshold 0 (logits) signs decide
 * exactly: a blend with non-negative weights of positive samples is positive, of non-positive samples is not. For
 * other thresholds (probabilities, 0.5) the float64 blend can land a few ulps beyond its samples, so a small margin
 * applies; samples within it are evaluated pixel by pixel.
 */
function decider(threshold: number) {
  if (threshold === 0) return { clearlySet: (lo: number) => lo > 0, clearlyUnset: (hi: number) => hi <= 0 };
  const margin = (v: number) => 1e-9 * (Math.abs(threshold) + Math.abs(v)) + 1e-30;
  return {
    clearlySet: (lo: number) => lo > threshold + margin(lo),
    clearlyUnset: (hi: number) => hi <= threshold - margin(hi),
  };
}

/** Tight source box of the samples that can make a pixel set, or null when there are none. */
function sourceSupport(src: Float32Array, mh: number, mw: number, clearlyUnset: (v: number) => boolean): Box4i | null {
  let r0 = mh;
  let r1 = -1;
  let c0 = mw;
  let c1 = -1;
  for (let y = 0; y < mh; y++) {
    const row = y * mw;
    let first = -1;
    let last = -1;
    for (let x = 0; x < mw; x++) {
      if (!clearlyUnset(src[row + x])) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (r0 === mh) r0 = y;
    r1 = y;
    if (first < c0) c0 = first;
    if (last > c1) c1 = last;
  }
  return r1 < 0 ? null : [c0, r0, c1, r1];
}

/** Output index range [lo, hi) whose taps reach a source index in [s0, s1]. */
function outputRange(t: TapRanges, inSize: number, s0: number, s1: number): [number, number] {
  // Output i reads i0[i] and i1[i] = i0[i] + 1 (clamped); it can see [s0, s1] when i0 ∈ [s0 − 1, s1].
  let lo = -1;
  for (let j = Math.max(0, s0 - 1); j <= s1 && lo < 0; j++) if (t.first[j] >= 0) lo = t.first[j];
  let hi = -1;
  for (let j = Math.min(inSize - 1, s1); j >= Math.max(0, s0 - 1) && hi < 0; j--) if (t.end[j] >= 0) hi = t.end[j];
  return lo < 0 || hi < 0 ? [0, 0] : [lo, hi];
}

/**
 * The `outW × outH` thresholded upsampling of mask `logits[offset … offset + mh·mw)` as row segments. Equal, pixel
 * for pixel, to `upsampleMaskLogits(…)` (tested against it).
 */
export function rasterizeMask(
  logits: Float32Array,
  offset: number,
  mh: number,
  mw: number,
  outW: number,
  outH: number,
  threshold: number,
): MaskSegments {
  const src = maskLogitsView(logits, offset, mh, mw, outW, outH);
  const empty: MaskSegments = {
    width: outW,
    height: outH,
    segments: new Int32Array(0),
    count: 0,
    area: 0,
    box: null,
  };
  const { clearlySet, clearlyUnset } = decider(threshold);
  const support = sourceSupport(src, mh, mw, clearlyUnset);
  if (!support) return empty;
  const tx = tapRanges(mw, outW);
  const ty = tapRanges(mh, outH);
  const [c0, r0, c1, r1] = support;
  const [ylo, yhi] = outputRange(ty, mh, r0, r1);
  const jlo = Math.max(0, c0 - 1);
  const jhi = Math.min(mw - 1, c1);

  let segs = new Int32Array(3 * 256);
  let count = 0;
  let area = 0;
  let bx0 = outW;
  let bx1 = -1;
  let by0 = outH;
  let by1 = -1;
  const push = (y: number, x0: number, x1: number) => {
    if (count * 3 + 3 > segs.length) {
      const grown = new Int32Array(segs.length * 2);
      grown.set(segs);
      segs = grown;
    }
    segs[count * 3] = y;
    segs[count * 3 + 1] = x0;
    segs[count * 3 + 2] = x1;
    count++;
    area += x1 - x0;
    if (x0 < bx0) bx0 = x0;
    if (x1 > bx1) bx1 = x1;
    if (y < by0) by0 = y;
    by1 = y + 1;
  };

  for (let y = ylo; y < yhi; y++) {
    const f = ty.frac[y];
    const g = 1 - f;
    const ra = ty.i0[y] * mw;
    const rb = ty.i1[y] * mw;
    let runStart = -1;
    let rowEnd = 0;
    for (let j = jlo; j <= jhi; j++) {
      const xs = tx.first[j];
      if (xs < 0) continue;
      const xe = tx.end[j];
      rowEnd = xe;
      const j1 = j < mw - 1 ? j + 1 : j;
      const p = src[ra + j];
      const q = src[ra + j1];
      const r = src[rb + j];
      const s = src[rb + j1];
      const lo = Math.min(p, q, r, s);
      const hi = Math.max(p, q, r, s);
      if (clearlySet(lo)) {
        if (runStart < 0) runStart = xs;
        continue;
      }
      if (clearlyUnset(hi)) {
        if (runStart >= 0) {
          push(y, runStart, xs);
          runStart = -1;
        }
        continue;
      }
      // The boundary: the reference's arithmetic, pixel by pixel.
      for (let x = xs; x < xe; x++) {
        const fx = tx.frac[x];
        const ga = Math.fround((1 - fx) * p + fx * q);
        const gb = Math.fround((1 - fx) * r + fx * s);
        if (g * ga + f * gb > threshold) {
          if (runStart < 0) runStart = x;
        } else if (runStart >= 0) {
          push(y, runStart, x);
          runStart = -1;
        }
      }
    }
    if (runStart >= 0) push(y, runStart, rowEnd);
  }
  if (count === 0) return empty;
  return {
    width: outW,
    height: outH,
    segments: segs.subarray(0, count * 3),
    count,
    area,
    box: [bx0, by0, bx1, by1],
  };
}

/** Row-major run lengths over the crop `box` (starting with a 0-run), from segments inside it. */
export function segmentsToCropRle(m: MaskSegments, box: Box4i): Uint32Array {
  const [x0, y0, x1, y1] = box;
  const w = x1 - x0;
  const runs: number[] = [];
  let pos = 0; // pixels of the crop covered so far
  for (let k = 0; k < m.count; k++) {
    const y = m.segments[k * 3];
    const s = Math.max(m.segments[k * 3 + 1], x0);
    const e = Math.min(m.segments[k * 3 + 2], x1);
    if (y < y0 || y >= y1 || e <= s) continue;
    const start = (y - y0) * w + (s - x0);
    runs.push(start - pos, e - s);
    pos = start + (e - s);
  }
  runs.push(w * (y1 - y0) - pos);
  return Uint32Array.from(runs);
}

/** Row-major 0/1 pixels of the crop `box` (for bitmaps and column-major export). */
export function segmentsToCropBits(m: MaskSegments, box: Box4i): Uint8Array {
  const [x0, y0, x1, y1] = box;
  const w = x1 - x0;
  const out = new Uint8Array(w * (y1 - y0));
  for (let k = 0; k < m.count; k++) {
    const y = m.segments[k * 3];
    const s = Math.max(m.segments[k * 3 + 1], x0);
    const e = Math.min(m.segments[k * 3 + 2], x1);
    if (y < y0 || y >= y1 || e <= s) continue;
    out.fill(1, (y - y0) * w + (s - x0), (y - y0) * w + (e - x0));
  }
  return out;
}

/**
 * A crop's pixels as two RGBA alpha masks (opaque white where set): `fill` = interior pixels, `edge` = set pixels on
 * the boundary (an unset 4-neighbour, or the crop's border, outside which nothing is set). The UI tints them.
 */
export function cropAlphaPlanes(
  bits: Uint8Array,
  w: number,
  h: number,
): { fill: Uint8ClampedArray; edge: Uint8ClampedArray } {
  const fill = new Uint8ClampedArray(w * h * 4);
  const edge = new Uint8ClampedArray(w * h * 4);
  const f = new Uint32Array(fill.buffer);
  const e = new Uint32Array(edge.buffer);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (!bits[i]) continue;
      const border =
        x === 0 ||
        y === 0 ||
        x === w - 1 ||
        y === h - 1 ||
        !bits[i - 1] ||
        !bits[i + 1] ||
        !bits[i - w] ||
        !bits[i + w];
      (border ? e : f)[i] = 0xffffffff;
    }
  }
  return { fill, edge };
}
