/**
 * Decoding of the engine's row-major RLE masks (counts alternate 0-runs and 1-runs, starting with a 0-run) into
 * RGBA pixels with an instance colour, plus a label map for hit testing. Pure: returns plain arrays, so Node
 * tests need no ImageData. Results are cached per SegmentResult object (WeakMap), so a redraw decodes nothing.
 */
import type { InstanceResult, RleMask, SegmentResult } from '../../workers/protocol';
import type { Rgb } from '../colors';

export interface RgbaPixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** 1 where the mask is set, 0 elsewhere; row-major, width × height. */
export function decodeRle(mask: RleMask): Uint8Array {
  const total = mask.width * mask.height;
  const out = new Uint8Array(total);
  let pos = 0;
  for (let i = 0; i < mask.counts.length && pos < total; i++) {
    const run = mask.counts[i];
    const end = Math.min(total, pos + run);
    if (i % 2 === 1) out.fill(1, pos, end);
    pos = end;
  }
  return out;
}

/** Whether pixel (x, y) of the mask is set, without decoding the whole mask. */
export function rleContains(mask: RleMask, x: number, y: number): boolean {
  if (x < 0 || y < 0 || x >= mask.width || y >= mask.height) return false;
  const target = Math.floor(y) * mask.width + Math.floor(x);
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

/** The mask as RGBA: fill colour inside, darker outline on the boundary, transparent outside. */
export function maskToRgba(mask: RleMask, style: MaskStyle): RgbaPixels {
  const { width, height } = mask;
  const bits = decodeRle(mask);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (!bits[i]) continue;
      const edge =
        style.outline1px &&
        (x === 0 ||
          y === 0 ||
          x === width - 1 ||
          y === height - 1 ||
          !bits[i - 1] ||
          !bits[i + 1] ||
          !bits[i - width] ||
          !bits[i + width]);
      const c = edge ? style.outline : style.fill;
      const o = i * 4;
      data[o] = c[0];
      data[o + 1] = c[1];
      data[o + 2] = c[2];
      data[o + 3] = edge ? style.outlineAlpha : style.fillAlpha;
    }
  }
  return { width, height, data };
}

/**
 * For each display pixel, the id of the instance drawn on top there (0 = none). Instances are drawn in list
 * order, so a later one wins.
 */
export function buildLabelMap(instances: readonly InstanceResult[], width: number, height: number): Uint32Array {
  const map = new Uint32Array(width * height);
  for (const inst of instances) {
    if (inst.mask.width !== width || inst.mask.height !== height) continue;
    let pos = 0;
    const { counts } = inst.mask;
    for (let i = 0; i < counts.length; i++) {
      const end = Math.min(map.length, pos + counts[i]);
      if (i % 2 === 1) map.fill(inst.instanceId, pos, end);
      pos = end;
    }
  }
  return map;
}

const rgbaCache = new WeakMap<SegmentResult, Map<number, RgbaPixels>>();
const labelCache = new WeakMap<SegmentResult, Uint32Array>();

/** RGBA of one instance of a result, decoded once per result. */
export function cachedMaskRgba(result: SegmentResult, inst: InstanceResult, style: MaskStyle): RgbaPixels {
  let perResult = rgbaCache.get(result);
  if (!perResult) {
    perResult = new Map();
    rgbaCache.set(result, perResult);
  }
  let px = perResult.get(inst.instanceId);
  if (!px) {
    px = maskToRgba(inst.mask, style);
    perResult.set(inst.instanceId, px);
  }
  return px;
}

/** Instance id under a display-image pixel (0 = none), from a label map built once per result. */
export function instanceAt(result: SegmentResult, x: number, y: number): number {
  const first = result.instances[0];
  if (!first) return 0;
  const { width, height } = first.mask;
  let map = labelCache.get(result);
  if (!map) {
    map = buildLabelMap(result.instances, width, height);
    labelCache.set(result, map);
  }
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  if (xi < 0 || yi < 0 || xi >= width || yi >= height) return 0;
  return map[yi * width + xi];
}
