/**
 * Mask upsampling and mask measures (reference.md §5 masks; exports.md §17.4 step 3).
 *
 * The detector's masks are 288×288 (logits or probabilities); results need them at the image size. The rule
 * is PyTorch `F.interpolate(mode='bilinear', align_corners=False)`: source coordinate
 * `(i + 0.5)·(in/out) − 0.5`, negative values clamped to 0, neighbour index clamped to the last sample.
 */

/** Precomputed linear-interpolation indices: output i = (1 − frac[i])·in[i0[i]] + frac[i]·in[i1[i]]. */
export interface LinearTaps {
  i0: Int32Array;
  i1: Int32Array;
  frac: Float64Array;
}

/** PyTorch `area_pixel_compute_source_index` with align_corners=False, plus the upper-neighbour clamp. */
export function linearTaps(inSize: number, outSize: number): LinearTaps {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = Math.max((i + 0.5) * scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[i] = lo;
    i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    frac[i] = src - lo;
  }
  return { i0, i1, frac };
}

/**
 * Bilinear upsampling (half-pixel centres, align_corners=false, edge clamp) of one `mh × mw` mask stored at
 * `logits[offset … offset + mh·mw)` to `outW × outH`, binarized with `value > threshold` (0 for logits,
 * 0.5 for probabilities; exports.md §17.4 step 3). Returns a row-major `outH · outW` mask of 0/1.
 *
 * Separable: every source row is interpolated horizontally once (`mh × outW` floats), then each output row
 * blends two of those rows. No per-pixel allocation; 288 → 8000×8000 is fine.
 */
export function upsampleMaskLogits(
  logits: Float32Array,
  offset: number,
  mh: number,
  mw: number,
  outW: number,
  outH: number,
  threshold: number,
): Uint8Array {
  if (offset < 0 || offset + mh * mw > logits.length) throw new RangeError('mask outside the logits buffer');
  if (!(mh > 0 && mw > 0 && outW > 0 && outH > 0)) throw new RangeError('mask sizes must be positive');
  const src = logits.subarray(offset, offset + mh * mw);
  const rows = horizontalPass(src, mh, mw, outW);
  const ty = linearTaps(mh, outH);
  const out = new Uint8Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const f = ty.frac[y];
    const g = 1 - f;
    const a = ty.i0[y] * outW;
    const b = ty.i1[y] * outW;
    const d = y * outW;
    for (let x = 0; x < outW; x++) out[d + x] = g * rows[a + x] + f * rows[b + x] > threshold ? 1 : 0;
  }
  return out;
}

/** Rows of `src` resampled to `outW` columns (the horizontal half of a separable bilinear resize). */
function horizontalPass(src: Float32Array, mh: number, mw: number, outW: number): Float32Array {
  const tx = linearTaps(mw, outW);
  const rows = new Float32Array(mh * outW);
  for (let y = 0; y < mh; y++) {
    const s = y * mw;
    const d = y * outW;
    for (let x = 0; x < outW; x++) {
      const f = tx.frac[x];
      rows[d + x] = (1 - f) * src[s + tx.i0[x]] + f * src[s + tx.i1[x]];
    }
  }
  return rows;
}

/** Bilinear resize (half-pixel centres, edge clamp) of a single-channel float map, e.g. mask logits. */
export function resizeBilinear(src: Float32Array, mh: number, mw: number, outW: number, outH: number): Float32Array {
  if (!(mh > 0 && mw > 0 && outW > 0 && outH > 0) || src.length < mh * mw) throw new RangeError('bad resize sizes');
  const rows = horizontalPass(src, mh, mw, outW);
  const ty = linearTaps(mh, outH);
  const out = new Float32Array(outW * outH);
  for (let y = 0; y < outH; y++) {
    const f = ty.frac[y];
    const a = ty.i0[y] * outW;
    const b = ty.i1[y] * outW;
    const d = y * outW;
    for (let x = 0; x < outW; x++) out[d + x] = (1 - f) * rows[a + x] + f * rows[b + x];
  }
  return out;
}

/** 1 where a logit is above 0, else 0: one typed-array pass (no per-element callback). */
export function binarizeLogits(logits: Float32Array): Uint8Array {
  const out = new Uint8Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] > 0 ? 1 : 0;
  return out;
}

/** Number of set (non-zero) pixels. */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

/**
 * Tight box of the set pixels as `[x1, y1, x2, y2]` pixel edges (x2, y2 exclusive: a single pixel at (3, 5)
 * gives [3, 5, 4, 6]); `null` for an empty mask.
 */
export function maskBoundingBox(mask: Uint8Array, w: number, h: number): [number, number, number, number] | null {
  let x1 = w;
  let y1 = h;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (mask[row + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y1 === h) y1 = y;
    y2 = y;
    if (first < x1) x1 = first;
    if (last > x2) x2 = last;
  }
  return x2 < 0 ? null : [x1, y1, x2 + 1, y2 + 1];
}

/** Intersection over union of two same-size binary masks; 0 when both are empty. */
export function maskIou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError('masks differ in size');
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] !== 0;
    const q = b[i] !== 0;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return union > 0 ? inter / union : 0;
}
