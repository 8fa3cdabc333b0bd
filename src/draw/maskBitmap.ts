/**
 * Decoding of the engine's cropped row-major RLE masks (counts alternate 0-runs and 1-runs over the mask's crop,
 * starting with a 0-run) into RGBA pixels with an instance colour, and hit testing. Pure: returns plain arrays, so
 * Node tests need no ImageData. Caching of the drawable sources lives in maskSources.ts.
 */
import type { RleMask, SegmentResult } from '../../workers/protocol';
import type { Rgb } from '../colors';
import { rowSegments } from './rowSegments';

export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** The crop `[x0, y0, x1, y1)` a mask's runs cover (the whole frame when the mask has none). */
export function maskBox(mask: RleMask): [number, number, number, number] {
  return mask.box ?? [0, 0, mask.width, mask.height];
}

/** 1 where the mask is set, 0 elsewhere, over the mask's crop (row-major, crop width × height). */
export function decodeCrop(mask: RleMask): Uint8Array {
  const [x0, y0, x1, y1] = maskBox(mask);
  const total = (x1 - x0) * (y1 - y0);
  const out = new Uint8Array(total);
  let pos = 0;
  for (let i = 0; i < mask.counts.length && pos < total; i++) {
    const end = Math.min(total, pos + mask.counts[i]);
    if (i % 2 === 1) out.fill(1, pos, end);
    pos = end;
  }
  return out;
}

/** 1 where the mask is set, 0 elsewhere; row-major over the whole frame, width × height. */
export function decodeRle(mask: RleMask): Uint8Array {
  const [x0, y0, x1, y1] = maskBox(mask);
  if (x0 === 0 && y0 === 0 && x1 === mask.width && y1 === mask.height) return decodeCrop(mask);
  const crop = decodeCrop(mask);
  const out = new Uint8Array(mask.width * mask.height);
  const cw = x1 - x0;
  for (let y = y0; y < y1; y++) out.set(crop.subarray((y - y0) * cw, (y - y0 + 1) * cw), y * mask.width + x0);
  return out;
}

/** Whether pixel (x, y) of the frame is set, without decoding the mask. */
export function rleContains(mask: RleMask, x: number, y: number): boolean {
  const [x0, y0, x1, y1] = maskBox(mask);
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  if (xi < x0 || yi < y0 || xi >= x1 || yi >= y1) return false;
  const target = (yi - y0) * (x1 - x0) + (xi - x0);
  let pos = 0;
  for (let i = 0; i < mask.counts.length; i++) {
    pos += mask.counts[i];
    if (target < pos) return i % 2 === 1;
  }
  return false;
}

export interface MaskStyle {
  fill: Rgb;
  outline: Rgb;
  /** 0..255 */
  fillAlpha: number;
  outlineAlpha: number;
  /** Draw a 1-pixel outline on the mask's boundary (4-neighbourhood). */
  outline1px: boolean;
}

export const DEFAULT_MASK_STYLE = { fillAlpha: 115, outlineAlpha: 235, outline1px: true } as const;

/**
 * The mask's crop as RGBA: fill colour inside, darker outline on the boundary (pixels with an unset 4-neighbour,
 * or on the crop's edge), transparent outside.
 *
 * Works on runs, not pixels: each row's segments are filled natively (`Uint32Array.fill`), their two ends are
 * outline, and the parts of a segment that the row above or below does not cover are outline — found by walking the
 * neighbouring rows' segments. Cost grows with the number of runs, not the crop's area (video frames repaint every
 * object's mask on the main thread each frame). The per-pixel definition is the tests' reference.
 */
export function maskToRgba(mask: RleMask, style: MaskStyle): RgbaPixels {
  const box = maskBox(mask);
  // Rows past the crop's end (counts longer than the crop) are not painted.
  return segmentsToRgba(rowSegments(mask.counts, mask.width, box).runs, style, box, box[3]);
}

/**
 * maskToRgba for segments already walked (`rowSegments(...).runs`, e.g. by a caller that needed their bounds first),
 * over `region` (frame pixels), which must hold every set pixel — the video export paints the tight box of the set
 * pixels. Rows at or below `endRow` are left out.
 */
export function segmentsToRgba(
  runs: readonly number[],
  style: MaskStyle,
  region: readonly [number, number, number, number],
  endRow = Infinity,
): RgbaPixels {
  const [rx0, ry0, rx1, ry1] = region;
  const width = Math.max(0, rx1 - rx0);
  const height = Math.max(0, ry1 - ry0);
  const data = new Uint8ClampedArray(width * height * 4);
  if (width === 0 || height === 0) return { width, height, data };
  // Segments by region row.
  const rowStart = new Int32Array(height + 2);
  const spans: number[] = [];
  for (let r = 0; r < runs.length; r += 3) {
    const y = runs[r];
    if (y >= endRow || y < ry0 || y >= ry1) continue;
    rowStart[y - ry0 + 1]++;
    spans.push(Math.max(0, runs[r + 1] - rx0), Math.min(width, runs[r + 2] - rx0));
  }
  for (let y = 0; y <= height; y++) rowStart[y + 1] += rowStart[y];
  const fill = packRgba(style.fill, style.fillAlpha);
  const outline = packRgba(style.outline, style.outlineAlpha);
  const px = new Uint32Array(data.buffer);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let k = rowStart[y]; k < rowStart[y + 1]; k++) {
      const a = spans[2 * k];
      const b = spans[2 * k + 1];
      if (a >= b) continue;
      if (!style.outline1px) {
        px.fill(fill, row + a, row + b);
        continue;
      }
      if (y === 0 || y === height - 1) {
        px.fill(outline, row + a, row + b);
        continue;
      }
      px.fill(fill, row + a, row + b);
      outlineUncovered(px, row, a, b, spans, rowStart[y - 1], rowStart[y], outline);
      outlineUncovered(px, row, a, b, spans, rowStart[y + 1], rowStart[y + 2], outline);
      px[row + a] = outline;
      px[row + b - 1] = outline;
    }
  }
  return { width, height, data };
}

/** Paints `colour` over the parts of [a, b) on this row that none of the neighbouring row's spans [from, to) cover. */
function outlineUncovered(
  px: Uint32Array,
  row: number,
  a: number,
  b: number,
  spans: readonly number[],
  from: number,
  to: number,
  colour: number,
): void {
  let x = a;
  for (let k = from; k < to && x < b; k++) {
    const c = spans[2 * k];
    const d = spans[2 * k + 1];
    if (d <= x) continue;
    if (c >= b) break;
    if (c > x) px.fill(colour, row + x, row + c);
    x = d;
  }
  if (x < b) px.fill(colour, row + x, row + b);
}

/** One RGBA pixel as the little-endian 32-bit word a Uint32Array view of ImageData holds. */
function packRgba([r, g, b]: Rgb, a: number): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/**
 * The instance drawn on top at a display-image pixel (0 = none): instances are drawn in list order, so the last
 * one containing the pixel wins. Walks the runs of the few masks whose crop contains the pixel; nothing is
 * decoded per result.
 */
export function instanceAt(result: SegmentResult, x: number, y: number): number {
  for (let i = result.instances.length - 1; i >= 0; i--) {
    const inst = result.instances[i];
    if (rleContains(inst.mask, x, y)) return inst.instanceId;
  }
  return 0;
}
