/**
 * Mask bitmaps made in the worker (browser only): a cropped mask becomes two alpha ImageBitmaps (interior and
 * boundary) that are transferred to the page once, where they are tinted and cached by mask identity.
 */
import type { MaskBitmaps, RleMask } from '../protocol/results';
import { cropAlphaPlanes } from '../core/maskRaster';
import { decodeRowMajorRle } from '../core/rle';

export async function makeMaskBitmaps(mask: RleMask): Promise<MaskBitmaps> {
  const [x0, y0, x1, y1] = mask.box ?? [0, 0, mask.width, mask.height];
  const w = x1 - x0;
  const h = y1 - y0;
  const planes = cropAlphaPlanes(decodeRowMajorRle(mask.counts, w, h), w, h);
  const [fill, edge] = await Promise.all([
    createImageBitmap(new ImageData(planes.fill as Uint8ClampedArray<ArrayBuffer>, w, h)),
    createImageBitmap(new ImageData(planes.edge as Uint8ClampedArray<ArrayBuffer>, w, h)),
  ]);
  return { fill, edge };
}
