/**
 * The straightforward per-pixel mask painter that src/draw's run-based maskToRgba replaced: the tests' reference for
 * it and bench:scale's "before".
 */
import { decodeCrop, maskBox, type MaskStyle, type RgbaPixels } from '../../src/draw/maskBitmap';
import type { RleMask } from '../../workers/protocol';

/** Set pixels with an unset 4-neighbour (or on the crop's edge) are outline, the other set pixels fill. */
export function maskToRgbaByPixel(mask: RleMask, style: MaskStyle): RgbaPixels {
  const [x0, y0, x1, y1] = maskBox(mask);
  const w = x1 - x0;
  const h = y1 - y0;
  const bits = decodeCrop(mask);
  const data = new Uint8ClampedArray(w * h * 4);
  const px = new Uint32Array(data.buffer);
  const pack = ([r, g, b]: readonly number[], a: number) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const fill = pack(style.fill, style.fillAlpha);
  const outline = pack(style.outline, style.outlineAlpha);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!bits[i]) continue;
      const edge =
        style.outline1px &&
        (x === 0 ||
          y === 0 ||
          x === w - 1 ||
          y === h - 1 ||
          !bits[i - 1] ||
          !bits[i + 1] ||
          !bits[i - w] ||
          !bits[i + w]);
      px[i] = edge ? outline : fill;
    }
  }
  return { width: w, height: h, data };
}
