/**
 * The engine's cropped row-major RLE masks (counts alternate 0-runs and 1-runs over the mask's crop, starting with a
 * 0-run) on the page: their crop, hit testing, decoding for the UI's few pixel questions, the style masks are drawn
 * with, and an identity for masks without an engine id. Pure. The pixels themselves come from the worker's painter
 * (maskSources.ts tints and caches them).
 */
import type { RleMask, SegmentResult } from '../../workers/protocol';
import type { Rgb } from '../colors';

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
 * An identity for a mask that has no engine mask id (a stored annotation): its frame, crop and runs, hashed
 * (FNV-1a), so equal masks share bitmaps and a changed mask gets new ones.
 */
export function maskIdentity(mask: RleMask, prefix = 'm'): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  mix(mask.width);
  mix(mask.height);
  for (const v of maskBox(mask)) mix(v);
  for (let i = 0; i < mask.counts.length; i++) mix(mask.counts[i]);
  return `${prefix}:${mask.counts.length}:${h.toString(36)}`;
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
