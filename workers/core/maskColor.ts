/**
 * The mean colour of an image under a mask, so the UI can choose mask colours that contrast with what they cover
 * (src/colors.ts `contrastColors`). Computed in the worker, where the image's pixels already are: the page never
 * reads pixels back. Pure; a bounded sample of the mask's crop, so a huge mask costs what a small one does.
 */
import type { RleMask } from '../protocol/results';
import type { RgbaImage } from '../protocol/api';
import { decodeRowMajorRle } from './rle';

/** Most pixels averaged per mask: enough for a stable mean, bounded for huge masks. */
const MAX_SAMPLES = 4096;

/**
 * Mean RGB of `pixels` where `mask` is set. The mask's frame may be another size than the pixels (both cover the
 * whole image); null when the mask is empty.
 */
export function meanUnderMask(pixels: RgbaImage, mask: RleMask): [number, number, number] | null {
  const [x0, y0, x1, y1] = mask.box ?? [0, 0, mask.width, mask.height];
  const cw = x1 - x0;
  const ch = y1 - y0;
  if (cw <= 0 || ch <= 0) return null;
  const bits = decodeRowMajorRle(mask.counts, cw, ch);
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
