/**
 * The unfused pre-processing steps that workers/core/resize.ts preprocessImage does in one pass: the tests' reference
 * (resize.test.ts: resizeRgbAntialiased → roundToUint8Levels → normalizeToChw equals preprocessImage bit for bit).
 */
/**
 * HWC RGB floats in 0..255 → planar CHW float32 of `(x/255 − mean[c]) / std[c]` (reference.md §3 scale and
 * normalize; for SAM 3 mean = std = 0.5, i.e. `x/127.5 − 1`). The result is the `[1, 3, h, w]` tensor data.
 */
export function normalizeToChw(
  rgbHwc: Float32Array,
  w: number,
  h: number,
  mean: [number, number, number],
  std: [number, number, number],
): Float32Array {
  const plane = w * h;
  if (rgbHwc.length < plane * 3) throw new RangeError('rgbHwc is shorter than w·h·3');
  const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const m = mean[c];
    const s = std[c];
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (rgbHwc[i * 3 + c] / 255 - m) / s;
  }
  return out;
}

/** Rounds resampled values to whole grey levels in place, as a uint8 resize (PIL, torchvision on uint8) does. */
export function roundToUint8Levels(values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = Math.min(255, Math.max(0, Math.round(values[i])));
  return values;
}
