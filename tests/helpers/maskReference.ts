/**
 * The straightforward mask painter the page once ran for every result: a mask decoded to tinted RGBA pixel by pixel
 * on the main thread. bench:scale's "before" (the page now paints nothing: the worker's painter sends bitmaps). The
 * boundary rule is the worker's own (core/maskRaster cropAlphaPlanes): set pixels with an unset 4-neighbour, or on
 * the crop's edge.
 */
import { decodeCrop, maskBox, type MaskStyle } from '../../src/draw/maskBitmap';
import { cropAlphaPlanes } from '../../workers/core/maskRaster';
import type { RleMask } from '../../workers/protocol';

export function maskToRgbaByPixel(
  mask: RleMask,
  style: MaskStyle,
): { width: number; height: number; data: Uint8ClampedArray } {
  const [x0, y0, x1, y1] = maskBox(mask);
  const w = x1 - x0;
  const h = y1 - y0;
  const planes = cropAlphaPlanes(decodeCrop(mask), w, h);
  const data = new Uint8ClampedArray(w * h * 4);
  const px = new Uint32Array(data.buffer);
  const pack = ([r, g, b]: readonly number[], a: number) => ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const fill = pack(style.fill, style.fillAlpha);
  const outline = style.outline1px ? pack(style.outline, style.outlineAlpha) : fill;
  const edge = new Uint32Array(planes.edge.buffer);
  const inside = new Uint32Array(planes.fill.buffer);
  for (let i = 0; i < w * h; i++) px[i] = edge[i] ? outline : inside[i] ? fill : 0;
  return { width: w, height: h, data };
}
