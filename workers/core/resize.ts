/**
 * Image pre-processing for the vision graph (reference.md §3; exports.md §3.5).
 *
 * SAM 3 stretches the image to `size × size` (no aspect keep, no padding) with torchvision's antialiased
 * bilinear resize, then normalizes with mean/std 0.5 (`x/127.5 − 1`). A canvas `drawImage` downscale is not
 * the same filter, so the resize is done here: a triangle filter whose support scales with the downscale
 * factor, half-pixel centres, weights normalized per output pixel (the PIL / torchvision `antialias=True`
 * algorithm). For upscaling this is exactly bilinear with half-pixel centres and edge clamping.
 *
 * Differences from torchvision on a uint8 tensor: the result is kept in float (no rounding to uint8 between
 * or after the passes), so values differ from the reference by at most ~0.5 grey level.
 */

/** An RGBA bitmap (row-major, 4 bytes per pixel, as in `ImageData`). Alpha is ignored. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/**
 * Precomputed 1-D resampling weights: output `i` reads `count[i]` inputs starting at `start[i]`, with weights
 * `weights[i * taps + k]`.
 */
export interface ResampleWeights {
  start: Int32Array;
  count: Int32Array;
  /** Row stride of `weights` (the largest `count`). */
  taps: number;
  weights: Float64Array;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/**
 * Antialiased bilinear weights from `inSize` to `outSize` samples (PIL `precompute_coeffs` rule with the
 * bilinear filter, support 1): centre = (i + 0.5)·scale, support = max(scale, 1), window
 * [round(centre − support), round(centre + support)) clipped to the input (every input with a non-zero weight), weight of input j =
 * triangle((j − centre + 0.5) / max(scale, 1)), normalized to sum 1.
 */
export function antialiasedBilinearWeights(inSize: number, outSize: number): ResampleWeights {
  if (!(inSize > 0 && outSize > 0)) throw new RangeError(`bad resample sizes ${inSize} → ${outSize}`);
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const invFilterScale = 1 / filterScale;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  let taps = 0;
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(Math.floor(centre - support + 0.5), 0);
    const hi = Math.min(Math.floor(centre + support + 0.5), inSize);
    start[i] = lo;
    count[i] = hi - lo;
    if (hi - lo > taps) taps = hi - lo;
  }
  const weights = new Float64Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    let sum = 0;
    for (let k = 0; k < count[i]; k++) {
      const w = triangle((start[i] + k - centre + 0.5) * invFilterScale);
      weights[i * taps + k] = w;
      sum += w;
    }
    if (sum > 0) for (let k = 0; k < count[i]; k++) weights[i * taps + k] /= sum;
  }
  return { start, count, taps, weights };
}

/** Horizontal pass of one source row (RGBA bytes) into `out` (RGB floats, `outW × 3`). */
function resampleRow(src: RgbaImage, row: number, hw: ResampleWeights, out: Float64Array): void {
  const data = src.data;
  const rowBase = row * src.width * 4;
  const outW = hw.start.length;
  for (let x = 0; x < outW; x++) {
    const n = hw.count[x];
    const wBase = x * hw.taps;
    let p = rowBase + hw.start[x] * 4;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = 0; k < n; k++, p += 4) {
      const w = hw.weights[wBase + k];
      r += w * data[p];
      g += w * data[p + 1];
      b += w * data[p + 2];
    }
    out[x * 3] = r;
    out[x * 3 + 1] = g;
    out[x * 3 + 2] = b;
  }
}

/**
 * Antialiased bilinear resize of the RGB channels of `src` to `outW × outH` (reference.md §3 resize rule).
 * Returns HWC floats in 0..255, length `outH · outW · 3`.
 *
 * Separable: each source row is resampled horizontally once into a small ring of rows (as many as the
 * vertical filter has taps), and each output row is the weighted sum of the ring rows it needs. Memory is
 * O(taps · outW) besides the output, so an 8000×8000 source is fine.
 */
export function resizeRgbAntialiased(
  src: RgbaImage,
  outW: number,
  outH: number,
  options: { uint8Passes?: boolean } = {},
): Float32Array {
  const rowLen = outW * 3;
  const out = new Float32Array(outH * rowLen);
  resampleRows(src, outW, outH, options.uint8Passes ?? false, (y, acc) => out.set(acc, y * rowLen));
  return out;
}

/**
 * The two passes of the resize, handing each finished output row (RGB floats, `outW × 3`, in a reused buffer) to
 * `emit` — so a caller can store it in its own layout without another pass over the image.
 */
function resampleRows(
  src: RgbaImage,
  outW: number,
  outH: number,
  uint8Passes: boolean,
  emit: (y: number, row: Float64Array) => void,
): void {
  const { width, height, data } = src;
  if (data.length < width * height * 4) throw new RangeError('RgbaImage.data is shorter than width·height·4');
  const hw = antialiasedBilinearWeights(width, outW);
  const vw = antialiasedBilinearWeights(height, outH);
  const rowLen = outW * 3;
  const ringSize = vw.taps;
  const ring: Float64Array[] = [];
  for (let i = 0; i < ringSize; i++) ring.push(new Float64Array(rowLen));
  const acc = new Float64Array(rowLen);
  let nextRow = 0; // first source row not yet resampled horizontally
  for (let y = 0; y < outH; y++) {
    const y0 = vw.start[y];
    const n = vw.count[y];
    // Rows below y0 are never needed again (windows only move down), so a ring of `taps` rows suffices.
    if (nextRow < y0) nextRow = y0;
    for (; nextRow < y0 + n; nextRow++) {
      const row = ring[nextRow % ringSize];
      resampleRow(src, nextRow, hw, row);
      // A uint8 resize (PIL, torchvision's uint8 kernels) stores the horizontal pass as uint8 before the vertical one.
      if (uint8Passes) for (let i = 0; i < rowLen; i++) row[i] = Math.min(255, Math.max(0, Math.round(row[i])));
    }
    acc.fill(0);
    const wBase = y * vw.taps;
    for (let k = 0; k < n; k++) {
      const w = vw.weights[wBase + k];
      if (w === 0) continue;
      const r = ring[(y0 + k) % ringSize];
      for (let i = 0; i < rowLen; i++) acc[i] += w * r[i];
    }
    emit(y, acc);
  }
}

/**
 * Full image pre-processing (reference.md §3): stretch to `size × size` with the antialiased bilinear
 * filter, horizontal pass then vertical pass, each stored as uint8 (the reference resizes a uint8 tensor with
 * torchvision's uint8 kernels, which keep a uint8 intermediate like PIL), then normalize to NCHW float32
 * (`[1, 3, size, size]` data). Checked against transformers' processor in tests/parity.
 */
export function preprocessImage(
  src: RgbaImage,
  size: number,
  mean: [number, number, number],
  std: [number, number, number],
): Float32Array {
  // Fused: each output row of the resize is rounded to a grey level and written normalised into the CHW planes
  // through a 256-entry table per channel — the same numbers as resize → round to grey levels → normalise to CHW
  // (that chain is tests/helpers/preprocessReference.ts; resize.test.ts compares bit for bit), without the HWC image
  // between them or two more passes over it. tests/parity checks it against transformers' processor.
  const plane = size * size;
  const out = new Float32Array(plane * 3);
  const levels = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) levels[c * 256 + v] = (v / 255 - mean[c]) / std[c];
  resampleRows(src, size, size, true, (y, row) => {
    const base = y * size;
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        // Through float32 first, as the unfused chain stored the resize: a value a hair under .5 rounds the same.
        const v = Math.min(255, Math.max(0, Math.round(Math.fround(row[x * 3 + c]))));
        out[c * plane + base + x] = levels[c * 256 + v];
      }
    }
  });
  return out;
}
