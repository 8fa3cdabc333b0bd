/**
 * The pixels under each mask, so mask colours can contrast with them (colors.ts `contrastColors`). The display
 * image's pixels are read once per image; each mask's mean colour once per mask (by `maskId`), from a bounded
 * sample of its crop. Browser side (an OffscreenCanvas reads the bitmap); the averaging itself is pure.
 */
import type { ImageInfo, RleMask, SegmentResult } from '../../workers/protocol';
import type { Rgb } from '../colors';
import { decodeCrop, maskBox } from './maskBitmap';

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** Most pixels averaged per mask: enough for a stable mean, bounded for huge masks. */
const MAX_SAMPLES = 4096;

/**
 * Mean RGB of `pixels` where `mask` is set. The mask's frame may be another size than the pixels (both cover the
 * whole image); null when the mask is empty.
 */
export function meanUnderMask(pixels: Pixels, mask: RleMask): Rgb | null {
  const [x0, y0, x1, y1] = maskBox(mask);
  const cw = x1 - x0;
  const ch = y1 - y0;
  if (cw <= 0 || ch <= 0) return null;
  const bits = decodeCrop(mask);
  const step = Math.max(1, Math.floor(Math.sqrt((cw * ch) / MAX_SAMPLES)));
  const kx = pixels.width / mask.width;
  const ky = pixels.height / mask.height;
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let y = 0; y < ch; y += step) {
    for (let x = 0; x < cw; x += step) {
      if (!bits[y * cw + x]) continue;
      const px = Math.min(pixels.width - 1, Math.floor((x0 + x + 0.5) * kx));
      const py = Math.min(pixels.height - 1, Math.floor((y0 + y + 0.5) * ky));
      const o = (py * pixels.width + px) * 4;
      r += pixels.data[o];
      g += pixels.data[o + 1];
      b += pixels.data[o + 2];
      n++;
    }
  }
  return n === 0 ? null : [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}

const imagePixels = new WeakMap<ImageBitmap, Pixels | null>();

/** The display image's RGBA, read once per bitmap (null where no 2D canvas can read it). */
export function displayPixels(image: ImageInfo): Pixels | null {
  const bitmap = image.display;
  if (!bitmap || typeof OffscreenCanvas === 'undefined') return null;
  if (imagePixels.has(bitmap)) return imagePixels.get(bitmap)!;
  let pixels: Pixels | null = null;
  try {
    const canvas = new OffscreenCanvas(image.displayWidth, image.displayHeight);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx) {
      ctx.drawImage(bitmap, 0, 0, image.displayWidth, image.displayHeight);
      pixels = {
        width: image.displayWidth,
        height: image.displayHeight,
        data: ctx.getImageData(0, 0, image.displayWidth, image.displayHeight).data,
      };
    }
  } catch {
    pixels = null; // a closed bitmap: colours fall back to mid grey
  }
  imagePixels.set(bitmap, pixels);
  return pixels;
}

const meansByMask = new Map<string, Rgb | null>();
const MAX_MEANS = 2048;
const meansByResult = new WeakMap<SegmentResult, Map<number, Rgb | null>>();

/** Mean colour under each instance's mask (by instance ID), cached per result and per mask. */
export function underlyingColors(image: ImageInfo | null, result: SegmentResult): Map<number, Rgb | null> {
  let means = meansByResult.get(result);
  if (means) return means;
  means = new Map();
  const pixels = image && image.imageId === result.imageId ? displayPixels(image) : null;
  for (const inst of result.instances) {
    if (!pixels) {
      means.set(inst.instanceId, null);
      continue;
    }
    const key = inst.maskId ? `${image!.imageId}|${inst.maskId}` : null;
    let mean = key ? meansByMask.get(key) : undefined;
    if (mean === undefined) {
      mean = meanUnderMask(pixels, inst.mask);
      if (key) {
        meansByMask.set(key, mean);
        if (meansByMask.size > MAX_MEANS) meansByMask.delete(meansByMask.keys().next().value as string);
      }
    }
    means.set(inst.instanceId, mean);
  }
  meansByResult.set(result, means);
  return means;
}
